//! A generated file of 10,000 activities, streamed through standard input: the importing process's
//! peak memory does not grow with the file.

use std::{io::Write, process::Stdio};

use super::{Registry, activity};

/// The peak resident memory of `pid` (`VmHWM`), in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[tokio::test]
async fn import_iati_streams_10000_activities_from_standard_input_in_flat_memory() {
    let registry = Registry::seeded().await;
    let mut child = registry
        .command()
        .args(["import", "iati", "-", "--org", "un-women-ukraine", "--dry-run"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    // A long description the reader must not keep: each activity is about 3 KB.
    let description = "Generated activity text. ".repeat(120);
    let mut written = 0usize;
    let mut send = |text: &str| {
        stdin.write_all(text.as_bytes()).unwrap();
        written += text.len();
    };
    send("<?xml version=\"1.0\"?>\n<iati-activities version=\"2.03\">\n");
    let mut peak_after_1000 = 0;
    for n in 1..=10_000 {
        send(&activity(
            &format!("XM-DAC-41146-GEN-{n:05}"),
            "2026-11-01T10:00:00Z",
            &format!(
                r#"<description><narrative>{description}</narrative></description>
  <participating-org role="1" ref="XM-DAC-41146"><narrative>UN Women</narrative></participating-org>
  <sector code="15180"/><policy-marker code="1" significance="1"/>
  <budget><value currency="USD">{n}.00</value></budget>"#
            ),
        ));
        if n == 1_000 {
            peak_after_1000 = peak_rss(pid);
        }
    }
    // The process is still reading (it cannot finish before standard input closes).
    let peak_after_10000 = peak_rss(pid);
    send("</iati-activities>\n");
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    eprintln!(
        "streamed {written} bytes; peak RSS {peak_after_1000} after 1,000 activities, {peak_after_10000} after 10,000"
    );
    assert!(written > 30_000_000, "the file is large: {written}");
    let growth = peak_after_10000.saturating_sub(peak_after_1000);
    // A reader that kept the file would grow by at least what it read after the first 1,000
    // activities (over 30 MB); a streaming one only by what the allocator (mimalloc, which keeps
    // freed pages per thread for a while) holds back: measured 8 to 15 MB.
    assert!(
        growth < (written as u64) / 2,
        "peak memory grew by {growth} bytes over 9,000 activities ({written} bytes streamed)"
    );
}
