//! Every class of refusal: of one activity (each with its stable code and the XML path at fault,
//! changing nothing for it while the others go in), and of a whole file (before anything is
//! written; on standard input, at the break).

use std::{io::Write, process::Stdio};

use super::{Registry, activity, file, parse};

#[tokio::test]
async fn import_iati_refuses_each_bad_activity_on_its_own_changing_nothing_for_it() {
    let registry = Registry::seeded().await;
    // A link another organisation owns.
    let owned = registry.write(
        "owned.xml",
        &file(&[activity("XM-DAC-41146-OWNED", "2026-11-01T10:00:00Z", "")]),
    );
    let run = registry.import(&owned, "ukrainian-womens-fund", &[]);
    assert_eq!(run.summary["created"], 1, "{}", run.stderr());

    let at = "2026-11-01T10:00:00Z";
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "XM-DAC-41146-OWNED",
            activity("XM-DAC-41146-OWNED", at, ""),
            "FORBIDDEN",
            "",
        ),
        (
            "bad identifier",
            activity("bad identifier", at, ""),
            "BAD_USER_INPUT",
            "iati-identifier",
        ),
        (
            "XM-DAC-41146-R-ITEM",
            activity("XM-DAC-41146-R-ITEM", at, "").replace(r#"code="1"/>"#, r#"code="9.9"/>"#),
            "BAD_USER_INPUT",
            "tag[1]/@code",
        ),
        (
            "XM-DAC-41146-R-CURRENCY",
            activity(
                "XM-DAC-41146-R-CURRENCY",
                at,
                r#"<budget><value currency="XXX">5</value></budget>"#,
            ),
            "BAD_USER_INPUT",
            "budget[1]/value/@currency",
        ),
        (
            "XM-DAC-41146-R-AMOUNT",
            activity("XM-DAC-41146-R-AMOUNT", at, "<budget><value>-5</value></budget>"),
            "BAD_USER_INPUT",
            "budget[1]/value",
        ),
        (
            "XM-DAC-41146-R-SECTOR",
            activity(
                "XM-DAC-41146-R-SECTOR",
                at,
                r#"<sector vocabulary="1" code="99999"/>"#,
            ),
            "BAD_USER_INPUT",
            "sector[1]/@code",
        ),
        (
            "XM-DAC-41146-R-MARKER",
            activity(
                "XM-DAC-41146-R-MARKER",
                at,
                r#"<policy-marker vocabulary="1" code="1" significance="3"/>"#,
            ),
            "BAD_USER_INPUT",
            "policy-marker[1]/@significance",
        ),
        (
            "XM-DAC-41146-R-REGION",
            activity(
                "XM-DAC-41146-R-REGION",
                at,
                r#"<recipient-region vocabulary="99" code="UA-44"/>"#,
            ),
            "BAD_USER_INPUT",
            "recipient-region[1]/@code",
        ),
        (
            "XM-DAC-41146-R-DATE",
            activity(
                "XM-DAC-41146-R-DATE",
                at,
                r#"<activity-date type="1" iso-date="2026-13-01"/>"#,
            ),
            "BAD_USER_INPUT",
            "activity-date[1]/@iso-date",
        ),
        (
            "XM-DAC-41146-R-ENDS",
            activity(
                "XM-DAC-41146-R-ENDS",
                at,
                r#"<activity-date type="1" iso-date="2026-06-01"/><activity-date type="3" iso-date="2026-01-01"/>"#,
            ),
            "BAD_USER_INPUT",
            "activity-date",
        ),
        (
            "XM-DAC-41146-R-TITLES",
            activity(
                "XM-DAC-41146-R-TITLES",
                at,
                "<title><narrative>Again</narrative></title>",
            ),
            "BAD_USER_INPUT",
            "title",
        ),
        (
            "XM-DAC-41146-R-LANG",
            activity("XM-DAC-41146-R-LANG", at, "")
                .replace("<narrative>Project", r#"<narrative xml:lang="fr">Projet"#),
            "BAD_USER_INPUT",
            "title/narrative",
        ),
        (
            "XM-DAC-41146-R-ROLE",
            activity(
                "XM-DAC-41146-R-ROLE",
                at,
                r#"<participating-org role="9" ref="XM-DAC-41146"/>"#,
            ),
            "BAD_USER_INPUT",
            "participating-org[1]/@role",
        ),
        (
            "XM-DAC-41146-R-UPDATED",
            activity("XM-DAC-41146-R-UPDATED", "yesterday", ""),
            "BAD_USER_INPUT",
            "@last-updated-datetime",
        ),
    ];
    let path = registry.write(
        "refused.xml",
        &file(&cases.iter().map(|(_, xml, _, _)| xml.clone()).collect::<Vec<_>>()),
    );
    let before = registry.dump().await;
    for extra in [&["--dry-run"][..], &[]] {
        let run = registry.import(&path, "un-women-ukraine", extra);
        assert!(run.output.status.success(), "{}", run.stderr());
        assert_eq!(run.summary["refused"], cases.len(), "{:?}", run.reports);
        for (identifier, _, code, field) in &cases {
            let report = run.report(identifier);
            assert_eq!(report["outcome"], "REFUSED", "{report}");
            assert_eq!(report["refusal"]["code"], *code, "{report}");
            if !field.is_empty() {
                assert_eq!(report["refusal"]["field"], *field, "{report}");
            }
        }
    }
    assert_eq!(registry.dump().await, before, "refused activities change nothing");

    // One good activity among bad ones goes in on its own.
    let mixed = registry.write(
        "mixed.xml",
        &file(&[cases[1].1.clone(), activity("XM-DAC-41146-GOOD", at, "")]),
    );
    let run = registry.import(&mixed, "un-women-ukraine", &[]);
    assert_eq!(
        (run.summary["created"].as_u64(), run.summary["refused"].as_u64()),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn import_iati_refuses_a_bad_file_whole_before_writing() {
    let registry = Registry::seeded().await;
    let good = activity("XM-DAC-41146-F-1", "2026-11-01T10:00:00Z", "");
    let deep = format!(
        "<iati-activities>{good}<x>{}{}</x></iati-activities>",
        "<a>".repeat(40),
        "</a>".repeat(40)
    );
    let files = [
        (
            "doctype.xml",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE iati-activities [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><iati-activities>{good}</iati-activities>"
            ),
            "DOCTYPE",
        ),
        (
            "entity.xml",
            file(&[good.clone(), good.replace("Project", "&x;")]),
            "not defined",
        ),
        ("deep.xml", deep, "nested deeper"),
        (
            "truncated.xml",
            file(std::slice::from_ref(&good)).replace("</iati-activities>", ""),
            "ends inside",
        ),
        (
            "mismatched.xml",
            file(std::slice::from_ref(&good)).replace("</title>", "</titel>"),
            "not well-formed",
        ),
        (
            "organisations.xml",
            "<iati-organisations version=\"2.03\"/>".to_owned(),
            "not an IATI activity file",
        ),
        ("large.xml", file(&vec![good.clone(); 10]), "over the limit"),
    ];
    let before = registry.dump().await;
    for (name, xml, message) in &files {
        let path = registry.write(name, xml);
        let mut command = registry.command();
        command
            .args(["import", "iati"])
            .arg(&path)
            .args(["--org", "un-women-ukraine"]);
        if *name == "large.xml" {
            command.env("NAP_IATI_MAX_FILE_BYTES", "2048");
        }
        let run = parse(command.output().unwrap());
        assert_eq!(run.output.status.code(), Some(1), "{name}: {}", run.stderr());
        assert!(run.stderr().contains(message), "{name}: {}", run.stderr());
        assert!(
            run.stderr().contains("nothing was imported"),
            "{name}: {}",
            run.stderr()
        );
    }
    assert_eq!(registry.dump().await, before, "a refused file changes nothing");

    // Standard input is read once, as it comes: the activities before a break are imported, and
    // the break is reported with a failure status.
    let mut child = registry
        .command()
        .args(["import", "iati", "-", "--org", "un-women-ukraine"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let truncated = file(std::slice::from_ref(&good)).replace("</iati-activities>", "<iati-activity>");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(truncated.as_bytes())
        .unwrap();
    let run = parse(child.wait_with_output().unwrap());
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr());
    assert_eq!(run.summary["created"], 1);
    assert!(
        run.summary["fileError"].as_str().unwrap().contains("ends inside"),
        "{}",
        run.summary
    );
}
