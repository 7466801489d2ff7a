//! FieldPath: where a value sits in a scenario file, e.g. `intents[3].steps[2].tool`.

use std::fmt;

/// A path from the file's root value to one value inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<Segment>);

/// One step of a [`FieldPath`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A named struct field.
    Field(&'static str),
    /// An element of a list or tuple, from 0.
    Index(usize),
}

impl FieldPath {
    /// The root value itself.
    pub fn root() -> FieldPath {
        FieldPath::default()
    }

    /// This path extended by a field.
    pub fn field(&self, name: &'static str) -> FieldPath {
        self.with(Segment::Field(name))
    }

    /// This path extended by a list index.
    pub fn index(&self, idx: usize) -> FieldPath {
        self.with(Segment::Index(idx))
    }

    /// The segments, root first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    fn with(&self, segment: Segment) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(segment);
        FieldPath(segments)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for (idx, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if idx == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(pos) => write!(f, "[{pos}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_rust_field_access() {
        let path =
            FieldPath::root().field("rules").index(3).field("kind").field("guarded").index(5);
        assert_eq!(path.to_string(), "rules[3].kind.guarded[5]");
        assert_eq!(FieldPath::root().to_string(), "(root)");
    }
}
