//! The streaming reader of IATI activity XML: it hands out one `<iati-activity>` at a time with
//! only the parts the registry stores, so memory stays flat whatever the file's size. It resolves
//! no entities (a DOCTYPE is refused, so no external or internal entity can be declared; only the
//! five predefined entities and character references are read) and enforces the `Limits`.

use std::io::BufRead;

use quick_xml::{Reader, XmlVersion, escape::resolve_predefined_entity, events::BytesStart, events::Event};

pub use super::activity::{Activity, ActivityDate, Budget, Coded, Narrative, Participant};
use super::metered::{Exceeded, Metered};

/// How much of a file the reader accepts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most bytes of the whole file.
    pub max_file_bytes: u64,
    /// Most nested elements.
    pub max_depth: usize,
    /// Most bytes of one markup event: a tag with its attributes, or one run of text.
    pub max_event_bytes: u64,
    /// Most bytes of one attribute value.
    pub max_attribute_bytes: usize,
    /// Most elements in one activity; beyond it the activity is read but refused.
    pub max_elements_per_activity: usize,
}

impl Limits {
    /// The limits for a file of at most `max_file_bytes`.
    pub fn with_file_size(max_file_bytes: u64) -> Self {
        Self {
            max_file_bytes,
            max_depth: 32,
            max_event_bytes: 1024 * 1024,
            max_attribute_bytes: 8 * 1024,
            max_elements_per_activity: 10_000,
        }
    }
}

/// Why a file cannot be read further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// What is wrong, with the byte position where it was found.
    pub message: String,
}

impl FileError {
    fn at(position: u64, message: impl std::fmt::Display) -> Self {
        Self {
            message: format!("{message} (at byte {position})"),
        }
    }
}

/// Where the reader is inside the current activity, for the elements whose text it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Identifier,
    TitleNarrative,
    BudgetValue,
    ParticipantName,
}

/// Reads activities one at a time from an IATI activity file.
pub struct ActivityReader<R> {
    reader: Reader<Metered<R>>,
    buffer: Vec<u8>,
    /// Names of the open elements.
    stack: Vec<String>,
    seen_root: bool,
    finished: bool,
    activities: u64,
    current: Option<Activity>,
    elements_in_activity: usize,
    capture: Option<(Capture, usize, String)>,
}

impl<R: BufRead> ActivityReader<R> {
    /// A reader of `source` within `limits`.
    pub fn new(source: R, limits: Limits) -> Self {
        let mut reader = Reader::from_reader(Metered {
            inner: source,
            total: 0,
            since_event: 0,
            limits,
            exceeded: None,
        });
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Self {
            reader,
            buffer: Vec::new(),
            stack: Vec::new(),
            seen_root: false,
            finished: false,
            activities: 0,
            current: None,
            elements_in_activity: 0,
            capture: None,
        }
    }

    /// How many bytes were read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().total
    }

    fn limits(&self) -> Limits {
        self.reader.get_ref().limits
    }

    fn error(&self, message: impl std::fmt::Display) -> FileError {
        FileError::at(self.reader.buffer_position(), message)
    }

    /// The next activity, `None` at the end of the file, or why the file cannot be read on.
    pub fn next_activity(&mut self) -> Result<Option<Activity>, FileError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            self.buffer.clear();
            self.reader.get_mut().since_event = 0;
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event.into_owned(),
                Err(error) => {
                    self.finished = true;
                    let limits = self.limits();
                    return Err(match self.reader.get_ref().exceeded {
                        Some(Exceeded::File) => self.error(format!(
                            "the file is larger than the limit of {} bytes",
                            limits.max_file_bytes
                        )),
                        Some(Exceeded::Event) => self.error(format!(
                            "a tag or text is larger than the limit of {} bytes",
                            limits.max_event_bytes
                        )),
                        None => self.error(format!("not well-formed XML: {error}")),
                    });
                }
            };
            match event {
                Event::DocType(_) => {
                    self.finished = true;
                    return Err(self.error(
                        "a DOCTYPE is refused: IATI files need none, and entities are never resolved",
                    ));
                }
                Event::Start(start) => self.start(&start, false)?,
                Event::Empty(start) => {
                    self.start(&start, true)?;
                    if let Some(activity) = self.end()? {
                        return Ok(Some(activity));
                    }
                }
                Event::End(_) => {
                    if let Some(activity) = self.end()? {
                        return Ok(Some(activity));
                    }
                }
                Event::Text(text) => {
                    let text = text.xml10_content();
                    self.text(&text)?;
                }
                Event::CData(data) => {
                    let text = data.into_inner().into_owned();
                    self.text(&text)?;
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match resolve_predefined_entity(&reference) {
                            Some(text) => text.to_owned(),
                            None => {
                                self.finished = true;
                                return Err(self.error(format!(
                                    "the entity `&{};` is not defined (entities are never resolved)",
                                    &*reference
                                )));
                            }
                        },
                        Err(error) => {
                            self.finished = true;
                            return Err(self.error(format!("a bad character reference: {error}")));
                        }
                    };
                    self.text(&resolved)?;
                }
                Event::Eof => {
                    self.finished = true;
                    if !self.stack.is_empty() {
                        return Err(self.error(format!(
                            "the file ends inside `<{}>`",
                            self.stack.last().map_or("", String::as_str)
                        )));
                    }
                    if !self.seen_root {
                        return Err(self.error("the file holds no `<iati-activities>` element"));
                    }
                    return Ok(None);
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
    }

    fn start(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<(), FileError> {
        let name = start.name().into_inner().to_owned();
        let limits = self.limits();
        if self.stack.len() >= limits.max_depth {
            self.finished = true;
            return Err(self.error(format!(
                "elements are nested deeper than the limit of {}",
                limits.max_depth
            )));
        }
        if self.stack.is_empty() {
            if self.seen_root {
                self.finished = true;
                return Err(self.error("a second root element"));
            }
            if name != "iati-activities" {
                self.finished = true;
                return Err(self.error(format!(
                    "the root element is `<{name}>`, not `<iati-activities>`: not an IATI activity file"
                )));
            }
            self.seen_root = true;
        }
        let attributes = self.attributes(start)?;
        let attribute = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let depth = self.stack.len();
        if depth == 1 && name == "iati-activity" {
            self.activities += 1;
            self.elements_in_activity = 0;
            self.current = Some(Activity {
                position: self.activities,
                last_updated: attribute("last-updated-datetime"),
                default_lang: attribute("xml:lang"),
                default_currency: attribute("default-currency"),
                ..Activity::default()
            });
        } else if let Some(activity) = self.current.as_mut() {
            self.elements_in_activity += 1;
            if self.elements_in_activity > limits.max_elements_per_activity {
                activity.too_many_elements = true;
            } else {
                let parent = self.stack.last().map_or("", String::as_str);
                let coded = || Coded {
                    vocabulary: attribute("vocabulary"),
                    vocabulary_uri: attribute("vocabulary-uri"),
                    code: attribute("code"),
                    significance: attribute("significance"),
                };
                let mut capture = None;
                match (depth, parent, name.as_str()) {
                    (2, _, "iati-identifier") => {
                        activity.identifier_count += 1;
                        capture = Some(Capture::Identifier);
                    }
                    (2, _, "title") => activity.title_count += 1,
                    (3, "title", "narrative") if activity.title_count == 1 => {
                        activity.titles.push(Narrative {
                            lang: attribute("xml:lang"),
                            text: String::new(),
                        });
                        capture = Some(Capture::TitleNarrative);
                    }
                    (2, _, "activity-date") => activity.dates.push(ActivityDate {
                        kind: attribute("type"),
                        iso_date: attribute("iso-date"),
                    }),
                    (2, _, "budget") => activity.budgets.push(Budget {
                        kind: attribute("type"),
                        ..Budget::default()
                    }),
                    (3, "budget", "value") => {
                        if let Some(budget) = activity.budgets.last_mut() {
                            budget.currency = attribute("currency");
                            capture = Some(Capture::BudgetValue);
                        }
                    }
                    (2, _, "reporting-org") => activity.reporting_org = attribute("ref"),
                    (2, _, "participating-org") => activity.participants.push(Participant {
                        role: attribute("role"),
                        reference: attribute("ref"),
                        name: None,
                    }),
                    (3, "participating-org", "narrative")
                        if activity.participants.last().is_some_and(|p| p.name.is_none()) =>
                    {
                        capture = Some(Capture::ParticipantName);
                    }
                    (2, _, "sector") => activity.sectors.push(coded()),
                    (2, _, "policy-marker") => activity.policy_markers.push(coded()),
                    (2, _, "tag") => activity.tags.push(coded()),
                    (2, _, "recipient-region") => activity.recipient_regions.push(coded()),
                    (3, "location", "administrative") => activity.administrative_areas.push(coded()),
                    _ => {}
                }
                if let Some(kind) = capture
                    && !empty
                {
                    self.capture = Some((kind, depth, String::new()));
                }
            }
        }
        self.stack.push(name);
        Ok(())
    }

    fn attributes(&self, start: &BytesStart<'_>) -> Result<Vec<(String, String)>, FileError> {
        let max = self.limits().max_attribute_bytes;
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| self.error(format!("a bad attribute: {e}")))?;
            if attribute.value.len() > max {
                return Err(self.error(format!(
                    "an attribute value is longer than the limit of {max} bytes"
                )));
            }
            let key = attribute.key.into_inner().to_owned();
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| {
                    self.error(format!(
                        "a bad attribute value (entities are never resolved): {e}"
                    ))
                })?
                .into_owned();
            attributes.push((key, value));
        }
        Ok(attributes)
    }

    fn text(&mut self, text: &str) -> Result<(), FileError> {
        let max = self.limits().max_event_bytes;
        if let Some((_, _, kept)) = self.capture.as_mut() {
            if (kept.len() + text.len()) as u64 > max {
                self.finished = true;
                return Err(self.error(format!("a text is longer than the limit of {max} bytes")));
            }
            kept.push_str(text);
        }
        Ok(())
    }

    /// Closes the innermost element; gives the activity when it was one.
    fn end(&mut self) -> Result<Option<Activity>, FileError> {
        self.stack.pop();
        let depth = self.stack.len();
        if let Some((kind, at, _)) = &self.capture
            && *at == depth
        {
            let kind = *kind;
            let text = self
                .capture
                .take()
                .map(|(_, _, text)| text.trim().to_owned())
                .unwrap_or_default();
            if let Some(activity) = self.current.as_mut() {
                match kind {
                    Capture::Identifier => {
                        if activity.identifier.is_none() && !text.is_empty() {
                            activity.identifier = Some(text);
                        }
                    }
                    Capture::TitleNarrative => {
                        if let Some(narrative) = activity.titles.last_mut() {
                            narrative.text = text;
                        }
                    }
                    Capture::BudgetValue => {
                        if let Some(budget) = activity.budgets.last_mut() {
                            budget.value = Some(text).filter(|t| !t.is_empty());
                        }
                    }
                    Capture::ParticipantName => {
                        if let Some(participant) = activity.participants.last_mut() {
                            participant.name = Some(text).filter(|t| !t.is_empty());
                        }
                    }
                }
            }
        }
        if depth == 1 {
            return Ok(self.current.take());
        }
        Ok(None)
    }
}

/// Reads `source` to its end without keeping anything: the number of activities, or why the
/// file cannot be read.
pub fn check(source: impl BufRead, limits: Limits) -> Result<u64, FileError> {
    let mut reader = ActivityReader::new(source, limits);
    let mut count = 0;
    while reader.next_activity()?.is_some() {
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::with_file_size(1024 * 1024)
    }

    fn read_all(xml: &str) -> Result<Vec<Activity>, FileError> {
        let mut reader = ActivityReader::new(xml.as_bytes(), limits());
        let mut all = Vec::new();
        while let Some(activity) = reader.next_activity()? {
            all.push(activity);
        }
        Ok(all)
    }

    #[test]
    fn reads_the_parts_the_registry_stores() {
        let xml = r#"<?xml version="1.0"?>
<iati-activities version="2.03">
 <iati-activity last-updated-datetime="2026-11-01T10:00:00Z" xml:lang="en" default-currency="EUR">
  <iati-identifier> XM-DAC-41146-X1 </iati-identifier>
  <title><narrative>Shelters &amp; safety</narrative><narrative xml:lang="uk">Укриття</narrative></title>
  <activity-date type="2" iso-date="2026-01-01"/>
  <budget type="1"><period-start iso-date="2026-01-01"/><value currency="USD">10.50</value></budget>
  <participating-org role="1" ref="XM-DAC-41146"><narrative>UN Women</narrative></participating-org>
  <sector vocabulary="1" code="15180"/>
  <policy-marker vocabulary="1" code="1" significance="2"/>
  <location><administrative vocabulary="A1" level="1" code="UA-12"/></location>
  <tag vocabulary="99" vocabulary-uri="https://r.example/vocabulary/UA-NAP-2021-2025" code="4"/>
 </iati-activity>
 <iati-activity><iati-identifier>XM-DAC-41146-X2</iati-identifier></iati-activity>
</iati-activities>"#;
        let all = read_all(xml).unwrap();
        assert_eq!(all.len(), 2);
        let a = &all[0];
        assert_eq!(a.position, 1);
        assert_eq!(a.identifier.as_deref(), Some("XM-DAC-41146-X1"));
        assert_eq!(a.default_lang.as_deref(), Some("en"));
        assert_eq!(a.titles[0].text, "Shelters & safety");
        assert_eq!(a.titles[1].lang.as_deref(), Some("uk"));
        assert_eq!(a.budgets[0].value.as_deref(), Some("10.50"));
        assert_eq!(a.budgets[0].currency.as_deref(), Some("USD"));
        assert_eq!(a.participants[0].name.as_deref(), Some("UN Women"));
        assert_eq!(a.sectors[0].code.as_deref(), Some("15180"));
        assert_eq!(a.policy_markers[0].significance.as_deref(), Some("2"));
        assert_eq!(a.administrative_areas[0].code.as_deref(), Some("UA-12"));
        assert_eq!(a.tags[0].code.as_deref(), Some("4"));
        assert_eq!(all[1].position, 2);
    }

    #[test]
    fn refuses_a_doctype_and_undefined_entities() {
        let doctype = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><iati-activities><iati-activity>&e;</iati-activity></iati-activities>"#;
        assert!(read_all(doctype).unwrap_err().message.contains("DOCTYPE"));
        let entity = "<iati-activities><iati-activity><title><narrative>&e;</narrative></title></iati-activity></iati-activities>";
        assert!(read_all(entity).unwrap_err().message.contains("not defined"));
    }

    #[test]
    fn refuses_what_breaks_a_limit_or_is_not_an_activity_file() {
        let deep = format!(
            "<iati-activities>{}{}</iati-activities>",
            "<a>".repeat(40),
            "</a>".repeat(40)
        );
        assert!(read_all(&deep).unwrap_err().message.contains("nested deeper"));
        let long = format!(
            "<iati-activities><iati-activity><title><narrative>{}</narrative></title></iati-activity></iati-activities>",
            "x".repeat(2 * 1024 * 1024)
        );
        assert!(read_all(&long).unwrap_err().message.contains("limit"));
        let attribute = format!("<iati-activities a=\"{}\"/>", "x".repeat(10_000));
        assert!(read_all(&attribute).unwrap_err().message.contains("attribute"));
        let mut small = Limits::with_file_size(100);
        small.max_event_bytes = 1000;
        let big = format!(
            "<iati-activities>{}</iati-activities>",
            "<iati-activity/>".repeat(50)
        );
        let mut reader = ActivityReader::new(big.as_bytes(), small);
        let error = loop {
            match reader.next_activity() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("a file over the limit was read to its end"),
                Err(error) => break error,
            }
        };
        assert!(
            error.message.contains("larger than the limit of 100 bytes"),
            "{error:?}"
        );
        assert!(
            read_all("<iati-organisations/>")
                .unwrap_err()
                .message
                .contains("not an IATI activity file")
        );
        assert!(read_all("").is_err());
        assert!(read_all("<iati-activities><iati-activity></iati-activities>").is_err());
        assert!(read_all("<iati-activities><iati-activity>").is_err());
    }
}
