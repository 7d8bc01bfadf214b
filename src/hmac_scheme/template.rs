//! The signed content: a template over the body, the timestamp, the id and the request URL.

/// One piece of the signed content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(Box<str>),
    Body,
    Timestamp,
    Id,
    Url,
    Method,
}

/// The most parts a template may have: `{id}.{timestamp}.{body}` has five.
pub(crate) const MAX_PARTS: usize = 8;

/// A parsed template such as `{id}.{timestamp}.{body}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub(crate) parts: Vec<Part>,
}

impl Template {
    /// `{body}`: the raw body alone, what most providers sign.
    pub(crate) fn body() -> Self {
        Self {
            parts: vec![Part::Body],
        }
    }

    /// Parses `text`. The placeholders are `{body}`, `{timestamp}`, `{id}`, `{url}` and
    /// `{method}`; anything
    /// else is signed literally. `{body}` must appear exactly once: a template without it would
    /// let any body through.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].into()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in signed content `{text}`"))?;
            let part = match &rest[open + 1..open + close] {
                "body" => Part::Body,
                "timestamp" => Part::Timestamp,
                "id" => Part::Id,
                "url" => Part::Url,
                "method" => Part::Method,
                other => {
                    return Err(format!(
                        "unknown placeholder `{{{other}}}` in signed content `{text}`; \
                         use {{body}}, {{timestamp}}, {{id}}, {{url}} or {{method}}"
                    ));
                }
            };
            parts.push(part);
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.into()));
        }
        if parts.len() > MAX_PARTS {
            return Err(format!(
                "signed content `{text}` has more than {MAX_PARTS} parts"
            ));
        }
        match parts.iter().filter(|part| **part == Part::Body).count() {
            1 => Ok(Self { parts }),
            0 => Err(format!(
                "signed content `{text}` has no {{body}}: the body would not be verified"
            )),
            _ => Err(format!(
                "signed content `{text}` has {{body}} more than once"
            )),
        }
    }

    /// Where `{body}` is among the parts (exactly once, checked when parsed).
    pub(crate) fn body_index(&self) -> usize {
        self.parts
            .iter()
            .position(|part| *part == Part::Body)
            .expect("a template has {body} once")
    }

    /// Whether the body alone is signed (a template holds `{body}` once, so one part is it).
    pub(crate) fn is_body_only(&self) -> bool {
        self.parts.len() == 1
    }

    pub(crate) fn uses(&self, wanted: &Part) -> bool {
        self.parts.iter().any(|part| part == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_providers_templates() {
        let t = Template::parse("v0:{timestamp}:{body}").unwrap();
        assert_eq!(
            t.parts,
            [
                Part::Literal("v0:".into()),
                Part::Timestamp,
                Part::Literal(":".into()),
                Part::Body
            ]
        );
        assert_eq!(Template::parse("{body}").unwrap().parts, [Part::Body]);
        assert_eq!(
            Template::parse("{url}{body}").unwrap().parts,
            [Part::Url, Part::Body]
        );
        assert_eq!(
            Template::parse("{method}{url}{body}{timestamp}")
                .unwrap()
                .parts,
            [Part::Method, Part::Url, Part::Body, Part::Timestamp]
        );
        assert!(
            Template::parse("{id}.{timestamp}.{body}")
                .unwrap()
                .uses(&Part::Id)
        );
    }

    #[test]
    fn refuses_templates_that_would_not_verify_the_body() {
        assert!(
            Template::parse("{timestamp}")
                .unwrap_err()
                .contains("no {body}")
        );
        assert!(
            Template::parse("{body}{body}")
                .unwrap_err()
                .contains("more than once")
        );
        assert!(
            Template::parse("{bdy}")
                .unwrap_err()
                .contains("unknown placeholder `{bdy}`")
        );
        assert!(Template::parse("{body").unwrap_err().contains("unclosed"));
        assert!(
            Template::parse("{id}.{id}.{id}.{id}.{body}")
                .unwrap_err()
                .contains("more than 8")
        );
    }
}
