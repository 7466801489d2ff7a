//! Reading corpus files for the adapters: a file found in its folder, plain or gzipped (told by its first bytes),
//! read by lines, as JSON Lines with every bad line rejected by number, as one JSON value, or as CSV rows.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde::de::DeserializeOwned;

use super::{Conversation, Converted, Dropped, Place, Rejected, TranscriptError};

/// Why an adapter could not use a row whole: the conversation is rejected (returned as `Err`) or kept without a
/// label (pushed beside it).
#[derive(Debug)]
pub(crate) struct Problem {
    /// What is left out.
    pub dropped: Dropped,
    /// The group it is counted in.
    pub reason: &'static str,
    /// The details.
    pub detail: String,
}

/// `input` itself when it is a file; in a folder, the first of `names` that exists there.
pub fn input_file(input: &Path, names: &[&str]) -> Result<PathBuf, TranscriptError> {
    if !input.is_dir() {
        return Ok(input.to_owned());
    }
    names.iter().map(|name| input.join(name)).find(|path| path.is_file()).ok_or_else(|| {
        TranscriptError::Open {
            path: input.join(names[0]),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("none of {} in the folder", names.join(", ")),
            ),
        }
    })
}

/// Calls `each` with every line of `path` (ungzipped when it starts with gzip's magic bytes) and its number from 1;
/// a line that is not UTF-8 is passed as `Err`. Reading errors stop with the line they happened on.
pub fn lines(
    path: &Path,
    mut each: impl FnMut(usize, Result<&str, std::str::Utf8Error>),
) -> Result<(), TranscriptError> {
    let mut reader = open(path)?;
    let mut buf = Vec::new();
    for line_no in 1.. {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|source| TranscriptError::Read {
            path: path.to_owned(),
            line: line_no,
            source,
        })?;
        if n == 0 {
            break;
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        each(line_no, std::str::from_utf8(&buf));
    }
    Ok(())
}

/// The whole of `path` as text, ungzipped if need be.
pub(crate) fn read_to_string(path: &Path) -> Result<String, TranscriptError> {
    let mut text = String::new();
    open(path)?.read_to_string(&mut text).map_err(|source| TranscriptError::Read {
        path: path.to_owned(),
        line: text.lines().count() + 1,
        source,
    })?;
    Ok(text)
}

/// Reads `path` as JSON Lines of `T`, each turned into a conversation by `adapt`; a blank line is skipped, a line
/// that is not UTF-8 or not a `T`, or that `adapt` refuses, is rejected with its number.
pub(crate) fn json_lines<T: DeserializeOwned>(
    path: &Path,
    mut adapt: impl FnMut(T, &mut Vec<Problem>) -> Result<Conversation, Problem>,
) -> Result<Converted, TranscriptError> {
    let mut converted = Converted::default();
    lines(path, |line_no, line| {
        let place = Place::Line(line_no);
        let mut problems = Vec::new();
        let res = match line {
            Ok(line) if line.trim().is_empty() => return,
            Ok(line) => serde_json::from_str::<T>(line)
                .map_err(|err| Problem {
                    dropped: Dropped::Conversation,
                    reason: "not a dialogue of the corpus's format",
                    detail: err.to_string(),
                })
                .and_then(|row| adapt(row, &mut problems)),
            Err(err) => Err(Problem {
                dropped: Dropped::Conversation,
                reason: "not UTF-8",
                detail: err.to_string(),
            }),
        };
        converted.push(path, place, res, problems);
    })?;
    Ok(converted)
}

/// Parses `path` as one JSON value.
pub(crate) fn json_value<T: DeserializeOwned>(path: &Path) -> Result<T, TranscriptError> {
    serde_json::from_str(&read_to_string(path)?).map_err(|err| TranscriptError::Format {
        path: path.to_owned(),
        message: format!("not the corpus's JSON: {err}"),
    })
}

/// A CSV file's rows: the line each starts on and its fields, or why it is not a CSV row.
pub(crate) type CsvRows = Vec<(usize, Result<Vec<String>, String>)>;

/// Parses CSV text (RFC 4180: comma-separated, fields in double quotes may hold commas, line ends and `""`);
/// a row with a stray quote or an unclosed field is an `Err` on the line it starts on.
pub(crate) fn csv_rows(text: &str) -> CsvRows {
    let mut rows = Vec::new();
    let (mut line_no, mut row_start) = (1, 1);
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut error: Option<String> = None;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut field_was_quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line_no += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !field_was_quoted => {
                quoted = true;
                field_was_quoted = true;
            }
            '"' => {
                error.get_or_insert_with(|| format!("stray quote in field {}", fields.len() + 1));
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                field_was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                field_was_quoted = false;
                let fields = std::mem::take(&mut fields);
                rows.push((row_start, error.take().map_or(Ok(fields), Err)));
                line_no += 1;
                row_start = line_no;
            }
            _ if field_was_quoted => {
                error.get_or_insert_with(|| {
                    format!("text after the closing quote in field {}", fields.len() + 1)
                });
            }
            _ => field.push(c),
        }
    }
    if quoted {
        rows.push((
            row_start,
            Err("a quoted field is not closed before the end of the file".into()),
        ));
    } else if !field.is_empty() || !fields.is_empty() || field_was_quoted {
        fields.push(field);
        rows.push((row_start, error.map_or(Ok(fields), Err)));
    }
    rows
}

/// A CSV file with a header: the header's columns, and the rows after it.
pub(crate) struct CsvTable {
    /// The file.
    pub path: PathBuf,
    /// Column names, in order.
    pub header: Vec<String>,
    /// Rows after the header.
    pub rows: CsvRows,
}

impl CsvTable {
    /// Reads `path` (plain or gzipped) as CSV with a header row.
    pub fn read(path: &Path) -> Result<CsvTable, TranscriptError> {
        let mut rows = csv_rows(&read_to_string(path)?).into_iter();
        let header = match rows.next() {
            Some((_, Ok(header))) => header,
            Some((_, Err(err))) => {
                return Err(TranscriptError::Format {
                    path: path.to_owned(),
                    message: format!("header: {err}"),
                });
            }
            None => {
                return Err(TranscriptError::Format {
                    path: path.to_owned(),
                    message: "empty: no CSV header".into(),
                });
            }
        };
        Ok(CsvTable { path: path.to_owned(), header, rows: rows.collect() })
    }

    /// The index of each of `names` in the header, or an error naming the first one missing.
    pub fn columns<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N], TranscriptError> {
        let mut found = [0; N];
        for (slot, name) in found.iter_mut().zip(names) {
            *slot = self.column(name).ok_or_else(|| TranscriptError::Format {
                path: self.path.clone(),
                message: format!("no column `{name}` in the CSV header"),
            })?;
        }
        Ok(found)
    }

    /// The index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|column| column == name)
    }
}

impl Converted {
    /// Keeps the conversation `res` holds, or rejects it, and records its label problems, all at `place`.
    pub(crate) fn push(
        &mut self,
        path: &Path,
        place: Place,
        res: Result<Conversation, Problem>,
        problems: Vec<Problem>,
    ) {
        let reject = |problem: Problem| Rejected {
            file: path.to_owned(),
            place: place.clone(),
            dropped: problem.dropped,
            reason: problem.reason,
            detail: problem.detail,
        };
        match res {
            Ok(conversation) => {
                self.rejected.extend(problems.into_iter().map(reject));
                self.conversations.push(conversation);
            }
            Err(problem) => self.rejected.push(reject(problem)),
        }
    }
}

impl Problem {
    /// A problem that rejects the conversation.
    pub fn conversation(reason: &'static str, detail: impl Into<String>) -> Problem {
        Problem { dropped: Dropped::Conversation, reason, detail: detail.into() }
    }

    /// A label the conversation is kept without.
    pub fn label(reason: &'static str, detail: impl Into<String>) -> Problem {
        Problem { dropped: Dropped::Label, reason, detail: detail.into() }
    }
}

/// Opens `path`, through a gzip decoder when it starts with gzip's magic bytes.
/// Opens `path` for reading, ungzipped when its first bytes say it is gzipped.
pub(crate) fn open(path: &Path) -> Result<Box<dyn BufRead>, TranscriptError> {
    let open_err = |source| TranscriptError::Open { path: path.to_owned(), source };
    let mut reader = BufReader::new(File::open(path).map_err(open_err)?);
    let head = reader.fill_buf().map_err(open_err)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}
