//! Source files, byte spans and the byte-offset → line/column index.
//!
//! Everything inside the tool works on byte ranges; lines and columns are computed only at the
//! edge, when a diagnostic is rendered (see `report`).

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// Length of the span in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The sub-span starting `offset` bytes into this span, `len` bytes long (clamped).
    pub fn sub(&self, offset: usize, len: usize) -> Span {
        let start = (self.start as usize + offset).min(self.end as usize);
        let end = (start + len).min(self.end as usize);
        Span::new(self.file, start, end)
    }
}

/// One SQL file read from disk (or given in memory, in tests).
#[derive(Debug)]
pub struct SourceFile {
    /// Path as given by the user (kept relative when it was relative).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    /// Byte offsets at which lines start.
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// Wraps a file's text.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// 0-based index of the line holding a byte offset.
    pub fn line_index(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offsets at which lines start.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Only on an id that did not come from this map, which is a bug.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Path of a file.
    pub fn path(&self, id: FileId) -> &Path {
        &self.file(id).path
    }

    /// All files with their ids, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Moves `start` forward past whitespace and SQL comments, so a caret lands on a keyword.
pub fn skip_trivia(text: &str, mut start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    loop {
        while start < end && bytes[start].is_ascii_whitespace() {
            start += 1;
        }
        if start + 1 < end && bytes[start] == b'-' && bytes[start + 1] == b'-' {
            while start < end && bytes[start] != b'\n' {
                start += 1;
            }
        } else if start + 1 < end && bytes[start] == b'/' && bytes[start + 1] == b'*' {
            let mut depth = 0usize;
            while start < end {
                if start + 1 < end && bytes[start] == b'/' && bytes[start + 1] == b'*' {
                    depth += 1;
                    start += 2;
                } else if start + 1 < end && bytes[start] == b'*' && bytes[start + 1] == b'/' {
                    depth -= 1;
                    start += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    start += 1;
                }
            }
        } else {
            return start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let f = SourceFile::new("a.sql", "select 1;\n  select é;\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(12), (2, 3));
        assert_eq!(f.line_col(21), (2, 11));
    }

    #[test]
    fn trivia_is_skipped() {
        let t = "  -- c\n /* a /* b */ */ create";
        assert_eq!(&t[skip_trivia(t, 0, t.len())..], "create");
    }
}
