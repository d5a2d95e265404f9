//! Parsed documents, kept per worker thread under their text.
//!
//! Clients send the same few documents again and again with other variables; parsing one (the
//! pest grammar, then building the document) is about a tenth of the work of a small query. Each
//! thread keeps the documents it parsed most recently, and a request whose text it has seen gets
//! a copy instead of a parse.
//!
//! Per thread, not shared: a copy shares its names' reference counts with the kept document, and
//! every key of the answer clones one of those names. One copy shared by every core makes the
//! cores contend for the same counters (measured: Q2 about 12% slower than parsing afresh, see
//! `cost`); a thread's own copy is touched by the requests that thread runs.

use std::{cell::RefCell, num::NonZeroUsize};

use async_graphql::{Request, ServerError, parser::types::ExecutableDocument};

/// Documents each thread keeps.
const KEPT_PER_THREAD: usize = 256;

/// Longer texts are parsed every time: they are rare, and keeping them would cost more memory than
/// parsing them costs time.
const LONGEST_KEPT: usize = 16 * 1024;

thread_local! {
    static KEPT: RefCell<lru::LruCache<Box<str>, ExecutableDocument>> =
        RefCell::new(lru::LruCache::new(NonZeroUsize::new(KEPT_PER_THREAD).unwrap_or(NonZeroUsize::MIN)));
}

/// Parses `request`'s document into it, from this thread's kept copy when it has one; the parse
/// error if it does not parse.
pub fn parse(request: &mut Request) -> Result<(), ServerError> {
    if request.query.len() > LONGEST_KEPT {
        return request.parsed_query().map(|_| ());
    }
    let kept = KEPT.with(|kept| kept.borrow_mut().get(request.query.as_str()).cloned());
    if let Some(document) = kept {
        request.set_parsed_query(document);
        return Ok(());
    }
    let document = request.parsed_query()?.clone();
    let text: Box<str> = request.query.as_str().into();
    KEPT.with(|kept| kept.borrow_mut().put(text, document));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<ExecutableDocument, ServerError> {
        let mut request = Request::new(text);
        parse(&mut request)?;
        Ok(request.parsed_query()?.clone())
    }

    #[test]
    fn a_kept_document_is_the_document_parsed_afresh() {
        let text = "query($code: String!) { planItem(code: $code) { code title } }";
        let first = parsed(text).unwrap();
        let again = parsed(text).unwrap();
        let fresh = async_graphql::parser::parse_query(text).unwrap();
        assert_eq!(format!("{first:?}"), format!("{fresh:?}"));
        assert_eq!(format!("{again:?}"), format!("{fresh:?}"));
    }

    #[test]
    fn a_text_that_does_not_parse_fails_every_time_and_is_not_kept() {
        for _ in 0..2 {
            assert!(parsed("query { planItem(").is_err());
        }
        KEPT.with(|kept| assert!(kept.borrow().peek("query { planItem(").is_none()));
    }

    #[test]
    fn other_texts_get_their_own_documents() {
        let a = parsed("{ plans { code } }").unwrap();
        let b = parsed("{ regions { code } }").unwrap();
        assert_ne!(format!("{a:?}"), format!("{b:?}"));
    }
}
