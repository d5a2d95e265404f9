//! The byte source under the XML reader: it counts what the parser consumes, in all and since the
//! current markup event began, and fails the read once either passes its limit, so an oversized
//! file or a single huge tag or text is refused without being held in memory.

use std::io::{self, BufRead, Read};

use super::reader::Limits;

/// Which limit the metered source hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// The whole file is over `Limits::max_file_bytes`.
    File,
    /// One markup event is over `Limits::max_event_bytes`.
    Event,
}

/// A `BufRead` that counts what the parser consumes: in all, and since the last event.
pub struct Metered<R> {
    /// The source.
    pub inner: R,
    /// Bytes consumed in all.
    pub total: u64,
    /// Bytes consumed since the current event began.
    pub since_event: u64,
    /// The limits enforced.
    pub limits: Limits,
    /// The limit hit, once one is.
    pub exceeded: Option<Exceeded>,
}

impl<R: BufRead> Read for Metered<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Metered<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.total > self.limits.max_file_bytes {
            self.exceeded = Some(Exceeded::File);
            return Err(io::Error::other("file size limit"));
        }
        if self.since_event > self.limits.max_event_bytes {
            self.exceeded = Some(Exceeded::Event);
            return Err(io::Error::other("element size limit"));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.total += amount as u64;
        self.since_event += amount as u64;
        self.inner.consume(amount);
    }
}
