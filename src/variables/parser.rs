//! The v3 variable grammar (`lib/configuration/variables/parse.js`, a state machine), written
//! here as a small recursive parser over bytes, plus a model of how v4's placeholder extraction
//! (`packages/sf-core/src/lib/resolvers/placeholders.js`) treats the same text, so that every
//! syntax error says whether v4 would reject it too.
//!
//! Every structural character is ASCII, so byte offsets taken at them are char boundaries.

use crate::span::TextRange;

/// Nested variables deeper than this are not parsed further (the framework stops resolving at
/// 10; this only protects the stack).
const MAX_NESTING: usize = 32;

/// The framework's error codes for variable syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    UnterminatedVariable,
    InvalidVariableType,
    InvalidVariableSource,
    InvalidVariableParam,
    InvalidVariableAddress,
    InvalidVariableLiteralSource,
    InvalidVariableStringLiteral,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnterminatedVariable => "UNTERMINATED_VARIABLE",
            ErrorCode::InvalidVariableType => "INVALID_VARIABLE_TYPE",
            ErrorCode::InvalidVariableSource => "INVALID_VARIABLE_SOURCE",
            ErrorCode::InvalidVariableParam => "INVALID_VARIABLE_PARAM",
            ErrorCode::InvalidVariableAddress => "INVALID_VARIABLE_ADDRESS",
            ErrorCode::InvalidVariableLiteralSource => "INVALID_VARIABLE_LITERAL_SOURCE",
            ErrorCode::InvalidVariableStringLiteral => "INVALID_VARIABLE_STRING_LITERAL",
        }
    }
}

/// What v4 makes of a `${...}` that v3 rejects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V4 {
    /// v4 parses it and resolves it: only v3 fails.
    Accepts,
    /// v4 fails on it too (a literal fallback `JSON.parse` refuses, an unmatched placeholder).
    Rejects,
    /// v4 does not see a placeholder there (or not the one meant) and keeps the `${...}` text
    /// as it is: no version resolves what was written.
    KeepsText,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(String),
    Number(f64),
    Bool(bool),
    Null,
}

/// A parameter (`file(HERE)`) or an address (`self:HERE`).
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// Trimmed; for quoted strings the quotes included.
    pub span: TextRange,
    pub value: ArgValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    Literal(Literal),
    /// Raw text holding nested variables: unknown until those resolve.
    Template {
        text: String,
        variables: Vec<Variable>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// `type:address`, `type(params)`, `type(params):address`.
    Variable {
        /// From the type to the end of the address (or params).
        span: TextRange,
        kind: String,
        kind_span: TextRange,
        params: Option<Vec<Arg>>,
        address: Option<Arg>,
    },
    /// A literal fallback: `'dev'`, `"a"`, `12`, `true`, `null`.
    Literal { span: TextRange, value: Literal },
}

impl Source {
    pub fn span(&self) -> TextRange {
        match self {
            Source::Variable { span, .. } | Source::Literal { span, .. } => *span,
        }
    }

    /// The source's type (`self`, `opt`, `file`...), `None` for literals.
    pub fn kind(&self) -> Option<&str> {
        match self {
            Source::Variable { kind, .. } => Some(kind),
            Source::Literal { .. } => None,
        }
    }

    /// Variables nested in the params and the address.
    pub fn nested(&self) -> impl Iterator<Item = &Variable> {
        let (params, address) = match self {
            Source::Variable {
                params, address, ..
            } => (params.as_deref().unwrap_or(&[]), address.as_ref()),
            Source::Literal { .. } => (&[][..], None),
        };
        params
            .iter()
            .chain(address)
            .flat_map(|arg| match &arg.value {
                ArgValue::Template { variables, .. } => variables.iter(),
                ArgValue::Literal(_) => [].iter(),
            })
    }
}

/// One `${...}` the framework resolves.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    /// From `$` to `}` inclusive, in the parsed string.
    pub span: TextRange,
    /// The first source and then its fallbacks, in order.
    pub sources: Vec<Source>,
}

impl Variable {
    pub fn fallbacks(&self) -> &[Source] {
        self.sources.get(1..).unwrap_or(&[])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// Literal text, foreign `${...}` forms and escapes included (as written).
    Text(TextRange),
    Variable(Variable),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub code: ErrorCode,
    /// v3's own message (`Invalid literal source "dev" at index 14 in "..."`).
    pub message: String,
    /// The offending piece (a character, or the literal for `INVALID_VARIABLE_LITERAL_SOURCE`).
    pub at: TextRange,
    /// The innermost `${...}` holding the error (to the end of the text when unterminated).
    pub variable: TextRange,
    pub v4: V4,
}

/// A string value split into text and variables. With a syntax error, v3 refuses the whole
/// value; the segments then hold what was read before it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Parsed {
    pub segments: Vec<Segment>,
    pub error: Option<SyntaxError>,
    /// Nesting beyond what is parsed: the value is unknown, nothing is reported.
    pub too_deep: bool,
}

impl Parsed {
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Variable(v) => Some(v),
            Segment::Text(_) => None,
        })
    }

    pub fn has_variables(&self) -> bool {
        self.variables().next().is_some()
    }
}

/// Parses `value` as v3 does.
pub fn parse(value: &str) -> Parsed {
    parse_with(value, false)
}

/// Parses `value` as v3 does, except that with `trims_source` whitespace right after `${` is
/// skipped when a lowercase source follows it: v4 trims the source, so `${ self:x }` is a
/// variable there, and the rest of the grammar is shared.
pub fn parse_with(value: &str, trims_source: bool) -> Parsed {
    let mut parser = Parser {
        s: value,
        b: value.as_bytes(),
        depth: 0,
        registered: false,
        trims_source,
    };
    parser.run()
}

enum Fail {
    Syntax {
        code: ErrorCode,
        at: TextRange,
        index: usize,
        literal: Option<String>,
        /// The innermost variable's `$`.
        variable: usize,
    },
    /// Input ended inside a variable.
    End {
        variable: usize,
    },
    TooDeep,
}

enum Opened {
    Variable(Variable),
    /// Not a variable (`${}`, `${foo}`, `${AWS::Region}`): text up to `end`, with the real
    /// variables found inside a foreign form.
    Text {
        end: usize,
        inner: Vec<Variable>,
    },
    /// Input ended before anything was decided: the rest is text, no error.
    Eof,
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    depth: usize,
    /// v3 reports an unterminated variable only while no variable was finished and no nested
    /// `$` was seen (its `variables` list is still null then).
    registered: bool,
    /// v4's reading of `${ source:... }` (see [`parse_with`]).
    trims_source: bool,
}

fn is_type_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
}

fn is_fallback_type(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|c| c.is_ascii_lowercase()) && bytes.all(|c| c.is_ascii_alphanumeric())
}

impl<'a> Parser<'a> {
    fn run(&mut self) -> Parsed {
        let mut out = Parsed::default();
        let len = self.b.len();
        let mut text_start = 0;
        let mut i = 0;
        while i < len {
            match self.b[i] {
                b'\\' => i += 2,
                b'$' => {
                    let mut j = i + 1;
                    while j < len && self.b[j] == b'$' {
                        j += 1;
                    }
                    if j < len && self.b[j] == b'{' {
                        let dollar = j - 1;
                        match self.open(dollar, false) {
                            Ok(Opened::Variable(v)) => {
                                self.registered = true;
                                push_text(&mut out.segments, text_start, dollar);
                                text_start = v.span.end;
                                i = v.span.end;
                                out.segments.push(Segment::Variable(v));
                            }
                            Ok(Opened::Text { end, inner }) => {
                                for v in inner {
                                    push_text(&mut out.segments, text_start, v.span.start);
                                    text_start = v.span.end;
                                    out.segments.push(Segment::Variable(v));
                                }
                                i = end;
                            }
                            Ok(Opened::Eof) => break,
                            Err(fail) => {
                                self.fail(fail, &mut out);
                                break;
                            }
                        }
                    } else {
                        i = j + 1;
                    }
                }
                _ => i += 1,
            }
        }
        push_text(&mut out.segments, text_start, len);
        out
    }

    fn fail(&self, fail: Fail, out: &mut Parsed) {
        let len = self.b.len();
        match fail {
            Fail::TooDeep => out.too_deep = true,
            Fail::End { variable } => {
                if !self.registered {
                    out.error = Some(SyntaxError {
                        code: ErrorCode::UnterminatedVariable,
                        message: format!("Missing variable closing bracket in {}", self.s),
                        at: TextRange::new(variable, len),
                        variable: TextRange::new(variable, len),
                        v4: V4::KeepsText,
                    });
                }
            }
            Fail::Syntax {
                code,
                at,
                index,
                literal,
                variable,
            } => {
                let js_index = self.s[..index].encode_utf16().count();
                let message = match code {
                    ErrorCode::InvalidVariableLiteralSource => format!(
                        "Invalid literal source \"{}\" at index {js_index} in \"{}\"",
                        literal.unwrap_or_default(),
                        self.s
                    ),
                    ErrorCode::InvalidVariableStringLiteral => {
                        format!(
                            "Invalid string literal at index {js_index} in \"{}\"",
                            self.s
                        )
                    }
                    ErrorCode::InvalidVariableType => {
                        format!(
                            "Invalid variable type at index {js_index} in \"{}\"",
                            self.s
                        )
                    }
                    ErrorCode::InvalidVariableSource => {
                        format!(
                            "Invalid variable source at index {js_index} in \"{}\"",
                            self.s
                        )
                    }
                    ErrorCode::InvalidVariableParam => {
                        format!(
                            "Invalid variable param at index {js_index} in \"{}\"",
                            self.s
                        )
                    }
                    ErrorCode::InvalidVariableAddress => format!(
                        "Invalid variable address at index {js_index} in \"{}\"",
                        self.s
                    ),
                    ErrorCode::UnterminatedVariable => {
                        format!("Missing variable closing bracket in {}", self.s)
                    }
                };
                let end = v4_placeholder_end(self.s, variable).map_or(len, |e| e + 1);
                let v4 = if code == ErrorCode::InvalidVariableType {
                    V4::KeepsText
                } else {
                    v4_outcome(self.s, variable)
                };
                out.error = Some(SyntaxError {
                    code,
                    message,
                    at,
                    variable: TextRange::new(variable, end.max(at.end).min(len)),
                    v4,
                });
            }
        }
    }

    fn syntax(&self, code: ErrorCode, index: usize, variable: usize) -> Fail {
        let end = self.char_end(index);
        Fail::Syntax {
            code,
            at: TextRange::new(index, end),
            index,
            literal: None,
            variable,
        }
    }

    fn char_end(&self, index: usize) -> usize {
        self.s
            .get(index..)
            .and_then(|rest| rest.chars().next())
            .map_or(index.min(self.b.len()), |c| index + c.len_utf8())
    }

    /// After `$` at `dollar` followed by `{`: a variable, a foreign form, or the end.
    fn open(&mut self, dollar: usize, in_variable: bool) -> Result<Opened, Fail> {
        if self.depth >= MAX_NESTING {
            return Err(Fail::TooDeep);
        }
        self.depth += 1;
        let result = self.open_inner(dollar, in_variable);
        self.depth -= 1;
        result
    }

    fn open_inner(&mut self, dollar: usize, in_variable: bool) -> Result<Opened, Fail> {
        let mut p = dollar + 2;
        if self.trims_source {
            let mut source = p;
            while self.b.get(source).is_some_and(u8::is_ascii_whitespace) {
                source += 1;
            }
            if self.b.get(source).is_some_and(u8::is_ascii_lowercase) {
                p = source;
            }
        }
        let Some(&c) = self.b.get(p) else {
            return Ok(Opened::Eof);
        };
        if !c.is_ascii_lowercase() {
            if in_variable {
                return Err(self.syntax(ErrorCode::InvalidVariableType, p, dollar));
            }
            if c == b'}' {
                return Ok(Opened::Text {
                    end: p + 1,
                    inner: Vec::new(),
                });
            }
            return self.foreign(p);
        }
        let mut j = p;
        while j < self.b.len() && is_type_char(self.b[j]) {
            j += 1;
        }
        match self.b.get(j) {
            Some(b':') | Some(b'(') => self.variable(dollar, p, j, in_variable),
            None => Ok(Opened::Eof),
            Some(&other) => {
                if in_variable {
                    return Err(self.syntax(ErrorCode::InvalidVariableType, p, dollar));
                }
                if other == b'}' {
                    return Ok(Opened::Text {
                        end: j + 1,
                        inner: Vec::new(),
                    });
                }
                self.foreign(j)
            }
        }
    }

    /// A `${...}` v3 leaves alone, from `from` to its first `}`; real variables inside it
    /// (`${Foo ${self:x}}`) still count.
    fn foreign(&mut self, from: usize) -> Result<Opened, Fail> {
        let mut inner = Vec::new();
        let mut i = from;
        while i < self.b.len() {
            match self.b[i] {
                b'}' => return Ok(Opened::Text { end: i + 1, inner }),
                b'$' => match self.dollar(i, false)? {
                    Dollar::Consumed(next) => i = next,
                    Dollar::Opened(Opened::Variable(v)) => {
                        i = v.span.end;
                        inner.push(v);
                    }
                    Dollar::Opened(Opened::Text { end, inner: more }) => {
                        i = end;
                        inner.extend(more);
                    }
                    Dollar::Opened(Opened::Eof) | Dollar::Eof => return Ok(Opened::Eof),
                },
                _ => i += 1,
            }
        }
        Ok(Opened::Eof)
    }

    /// A `$` inside a variable part or a foreign form (v3 registers a context there).
    fn dollar(&mut self, at: usize, in_variable: bool) -> Result<Dollar, Fail> {
        self.registered = true;
        let len = self.b.len();
        let mut j = at + 1;
        while j < len && self.b[j] == b'$' {
            j += 1;
        }
        if j >= len {
            return Ok(Dollar::Eof);
        }
        if self.b[j] == b'{' {
            return Ok(Dollar::Opened(self.open(j - 1, in_variable)?));
        }
        // v3 consumes the character after `$` without looking at it.
        Ok(Dollar::Consumed(self.char_end(j)))
    }

    /// A nested variable inside a part: returns it, or where to continue.
    fn nested(
        &mut self,
        at: usize,
        variable: usize,
        found: &mut Vec<Variable>,
    ) -> Result<usize, Fail> {
        let mut direct = at;
        while self.b.get(direct + 1) == Some(&b'$') {
            direct += 1;
        }
        let opened = match self.dollar(at, true) {
            // A nested `${...}` that is no variable: the error is the enclosing variable's.
            Err(Fail::Syntax {
                code: ErrorCode::InvalidVariableType,
                at: error_at,
                index,
                literal,
                variable: inner,
            }) if inner == direct => {
                return Err(Fail::Syntax {
                    code: ErrorCode::InvalidVariableType,
                    at: error_at,
                    index,
                    literal,
                    variable,
                })
            }
            other => other?,
        };
        match opened {
            Dollar::Consumed(next) => Ok(next),
            Dollar::Opened(Opened::Variable(v)) => {
                let end = v.span.end;
                found.push(v);
                Ok(end)
            }
            // Inside a variable nothing but a variable (or an error) comes back from `open`.
            Dollar::Opened(_) | Dollar::Eof => Err(Fail::End { variable }),
        }
    }

    /// A quoted string starting at `start`; returns the index after its closing quote.
    fn string_end(&self, start: usize, variable: usize) -> Result<usize, Fail> {
        let quote = self.b[start];
        let mut i = start + 1;
        while i < self.b.len() {
            let c = self.b[i];
            if c == quote {
                return Ok(i + 1);
            }
            if quote == b'"' && c == b'\\' {
                i += 2;
            } else {
                i += 1;
            }
        }
        Err(Fail::End { variable })
    }

    fn string_value(&self, start: usize, end: usize, variable: usize) -> Result<String, Fail> {
        let raw = &self.s[start..end];
        if raw.starts_with('\'') {
            return Ok(raw.get(1..raw.len() - 1).unwrap_or("").to_string());
        }
        serde_json::from_str::<String>(raw).map_err(|_| Fail::Syntax {
            code: ErrorCode::InvalidVariableStringLiteral,
            at: TextRange::new(start, end),
            index: start,
            literal: None,
            variable,
        })
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while i < self.b.len() && self.b[i] == b' ' {
            i += 1;
        }
        i
    }

    /// The body of a variable whose first type runs `type_start..type_end`, followed by `:` or
    /// `(` at `type_end`.
    fn variable(
        &mut self,
        dollar: usize,
        type_start: usize,
        type_end: usize,
        in_variable: bool,
    ) -> Result<Opened, Fail> {
        let mut sources = Vec::new();
        let mut source_start = type_start;
        let mut kind_end = type_end;
        let mut first = true;
        let mut i = type_end;
        loop {
            // `i` is at `:` or `(` after a type.
            let kind = self.s[source_start..kind_end].to_string();
            let kind_span = TextRange::new(source_start, kind_end);
            let mut params = None;
            if self.b[i] == b'(' {
                let (list, next) = self.params(i + 1, dollar)?;
                params = Some(list);
                // maybeAddressOpen
                i = self.skip_spaces(next);
                match self.b.get(i) {
                    None => return Err(Fail::End { variable: dollar }),
                    Some(b':') => {}
                    Some(b'}') | Some(b',') => {}
                    Some(_) => {
                        return Err(self.syntax(ErrorCode::InvalidVariableAddress, i, dollar))
                    }
                }
            }
            let mut address = None;
            let mut source_end = i;
            if self.b.get(i) == Some(&b':') {
                let (arg, next) = self.address(
                    i + 1,
                    dollar,
                    source_start,
                    params.is_none() && first && !in_variable,
                )?;
                let Some(next) = next else {
                    // `${aws::x}`: v3 leaves the whole form alone.
                    return self.foreign(i + 1);
                };
                source_end = arg.as_ref().map_or(i + 1, |a: &Arg| a.span.end);
                address = arg;
                i = next;
            }
            sources.push(Source::Variable {
                span: TextRange::new(source_start, source_end.max(kind_end)),
                kind,
                kind_span,
                params,
                address,
            });
            first = false;
            // `i` is at `}` or `,`.
            if self.b.get(i) == Some(&b'}') {
                return Ok(Opened::Variable(Variable {
                    span: TextRange::new(dollar, i + 1),
                    sources,
                }));
            }
            // maybeNextSourceStart
            i = self.skip_spaces(i + 1);
            let Some(&c) = self.b.get(i) else {
                return Err(Fail::End { variable: dollar });
            };
            source_start = i;
            if c == b'"' || c == b'\'' {
                let end = self.string_end(i, dollar)?;
                let after = self.skip_spaces(end);
                match self.b.get(after) {
                    None => return Err(Fail::End { variable: dollar }),
                    Some(b'}') => {
                        let value = self.string_value(i, end, dollar)?;
                        sources.push(Source::Literal {
                            span: TextRange::new(i, end),
                            value: Literal::Str(value),
                        });
                        return Ok(Opened::Variable(Variable {
                            span: TextRange::new(dollar, after + 1),
                            sources,
                        }));
                    }
                    Some(_) => {
                        return Err(self.syntax(ErrorCode::InvalidVariableSource, i, dollar))
                    }
                }
            }
            if !is_type_char(c) {
                return Err(self.syntax(ErrorCode::InvalidVariableSource, i, dollar));
            }
            // typeOrSourceLiteral: spaces are skipped but stay in the slice.
            let mut j = i;
            loop {
                let Some(&c) = self.b.get(j) else {
                    return Err(Fail::End { variable: dollar });
                };
                if c == b' ' || is_type_char(c) {
                    j += 1;
                    continue;
                }
                match c {
                    b':' | b'(' => {
                        if !is_fallback_type(&self.s[i..j]) {
                            return Err(self.syntax(ErrorCode::InvalidVariableSource, i, dollar));
                        }
                        kind_end = j;
                        break;
                    }
                    b'}' => {
                        let raw = &self.s[i..j];
                        let trimmed = raw.trim();
                        let lit_span = TextRange::new(i, i + trimmed.len());
                        let Some(value) = literal_source(trimmed, false) else {
                            return Err(Fail::Syntax {
                                code: ErrorCode::InvalidVariableLiteralSource,
                                at: lit_span,
                                index: i,
                                literal: Some(trimmed.to_string()),
                                variable: dollar,
                            });
                        };
                        sources.push(Source::Literal {
                            span: lit_span,
                            value,
                        });
                        return Ok(Opened::Variable(Variable {
                            span: TextRange::new(dollar, j + 1),
                            sources,
                        }));
                    }
                    _ => return Err(self.syntax(ErrorCode::InvalidVariableSource, i, dollar)),
                }
            }
            i = kind_end;
        }
    }

    /// Params from just after `(`; returns them and the index after `)`.
    fn params(&mut self, from: usize, dollar: usize) -> Result<(Vec<Arg>, usize), Fail> {
        let mut params = Vec::new();
        let mut i = from;
        loop {
            // paramStart
            i = self.skip_spaces(i);
            let Some(&c) = self.b.get(i) else {
                return Err(Fail::End { variable: dollar });
            };
            match c {
                b')' => return Ok((params, i + 1)),
                b',' => {
                    params.push(Arg {
                        span: TextRange::empty(i),
                        value: ArgValue::Literal(Literal::Null),
                    });
                    i += 1;
                }
                b'}' => return Err(self.syntax(ErrorCode::InvalidVariableParam, i, dollar)),
                b'"' | b'\'' => {
                    let end = self.string_end(i, dollar)?;
                    let after = self.skip_spaces(end);
                    match self.b.get(after) {
                        None => return Err(Fail::End { variable: dollar }),
                        Some(b')') | Some(b',') => {
                            let value = self.string_value(i, end, dollar)?;
                            params.push(Arg {
                                span: TextRange::new(i, end),
                                value: ArgValue::Literal(Literal::Str(value)),
                            });
                            if self.b[after] == b')' {
                                return Ok((params, after + 1));
                            }
                            i = after + 1;
                        }
                        Some(_) => {
                            return Err(self.syntax(ErrorCode::InvalidVariableParam, i, dollar))
                        }
                    }
                }
                _ => {
                    let start = i;
                    let mut found = Vec::new();
                    loop {
                        let Some(&c) = self.b.get(i) else {
                            return Err(Fail::End { variable: dollar });
                        };
                        match c {
                            b')' | b',' => {
                                let arg = self.raw_arg(start, i, found, true);
                                if c == b')' {
                                    if let Some(arg) = arg {
                                        params.push(arg);
                                    }
                                    return Ok((params, i + 1));
                                }
                                params.push(arg.unwrap_or(Arg {
                                    span: TextRange::empty(start),
                                    value: ArgValue::Literal(Literal::Str(String::new())),
                                }));
                                i += 1;
                                break;
                            }
                            b'}' => {
                                return Err(self.syntax(
                                    ErrorCode::InvalidVariableParam,
                                    start,
                                    dollar,
                                ))
                            }
                            b'$' => i = self.nested(i, dollar, &mut found)?,
                            _ => i += 1,
                        }
                    }
                }
            }
        }
    }

    /// Trimmed raw text `start..end` as an argument; `None` when empty.
    fn raw_arg(
        &self,
        start: usize,
        end: usize,
        variables: Vec<Variable>,
        param: bool,
    ) -> Option<Arg> {
        let raw = &self.s[start..end];
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        if text.is_empty() && variables.is_empty() {
            return None;
        }
        let span = TextRange::new(start + lead, start + lead + text.len());
        let value = if !variables.is_empty() {
            ArgValue::Template {
                text: text.to_string(),
                variables,
            }
        } else if param {
            ArgValue::Literal(literal_source(text, true).unwrap_or(Literal::Str(text.to_string())))
        } else {
            ArgValue::Literal(Literal::Str(text.to_string()))
        };
        Some(Arg { span, value })
    }

    /// The address after `:`; returns it and the index of the `}` or `,` that ends it, or
    /// `None` for the `::` that makes a top-level form foreign.
    #[allow(clippy::type_complexity)]
    fn address(
        &mut self,
        from: usize,
        dollar: usize,
        source_start: usize,
        may_be_foreign: bool,
    ) -> Result<(Option<Arg>, Option<usize>), Fail> {
        let i = self.skip_spaces(from);
        let Some(&c) = self.b.get(i) else {
            return Err(Fail::End { variable: dollar });
        };
        match c {
            b'}' | b',' => Ok((None, Some(i))),
            b':' => {
                if may_be_foreign {
                    Ok((None, None))
                } else {
                    Err(self.syntax(ErrorCode::InvalidVariableAddress, i, dollar))
                }
            }
            b'"' | b'\'' => {
                let end = self.string_end(i, dollar)?;
                let after = self.skip_spaces(end);
                match self.b.get(after) {
                    None => Err(Fail::End { variable: dollar }),
                    Some(b'}') | Some(b',') => {
                        let value = self.string_value(i, end, dollar)?;
                        Ok((
                            Some(Arg {
                                span: TextRange::new(i, end),
                                value: ArgValue::Literal(Literal::Str(value)),
                            }),
                            Some(after),
                        ))
                    }
                    Some(_) => Err(self.syntax(ErrorCode::InvalidVariableAddress, i, dollar)),
                }
            }
            _ => {
                let start = i;
                let mut j = i;
                let mut found = Vec::new();
                loop {
                    let Some(&c) = self.b.get(j) else {
                        return Err(Fail::End { variable: dollar });
                    };
                    match c {
                        b'}' | b',' => {
                            let arg = self.raw_arg(start, j, found, false);
                            return Ok((arg, Some(j)));
                        }
                        b':' => {
                            let mut fail = self.syntax(
                                ErrorCode::InvalidVariableAddress,
                                source_start,
                                dollar,
                            );
                            if let Fail::Syntax { at, .. } = &mut fail {
                                *at = TextRange::new(j, j + 1);
                            }
                            return Err(fail);
                        }
                        b'$' => j = self.nested(j, dollar, &mut found)?,
                        _ => j += 1,
                    }
                }
            }
        }
    }
}

enum Dollar {
    Consumed(usize),
    Opened(Opened),
    Eof,
}

fn push_text(segments: &mut Vec<Segment>, start: usize, end: usize) {
    if start < end {
        segments.push(Segment::Text(TextRange::new(start, end)));
    }
}

/// v3's `parseLiteralSource`: `true`, `false`, `null`, numbers as JavaScript's `Number` reads
/// them; other text is an error, or the text itself for params.
fn literal_source(text: &str, fallback_to_text: bool) -> Option<Literal> {
    match text {
        "true" => Some(Literal::Bool(true)),
        "false" => Some(Literal::Bool(false)),
        "null" => Some(Literal::Null),
        _ => match js_number(text) {
            Some(n) => Some(Literal::Number(n)),
            None if fallback_to_text => Some(Literal::Str(text.to_string())),
            None => None,
        },
    }
}

/// `Number(text)` when it is not NaN (text already trimmed; the empty string is 0).
pub(crate) fn js_number(text: &str) -> Option<f64> {
    if text.is_empty() {
        return Some(0.0);
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let (Some(head), Some(digits)) = (text.get(..2), text.get(2..)) {
            if head.eq_ignore_ascii_case(prefix) && !digits.is_empty() {
                return u64::from_str_radix(digits, radix).ok().map(|n| n as f64);
            }
        }
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned == "Infinity" {
        return Some(if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if !(digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty())) {
        return None;
    }
    if let Some(exp) = exponent {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if exp.is_empty() || !digits(exp) {
            return None;
        }
    }
    text.parse::<f64>().ok()
}

/// Where v4's brace-depth extraction closes the `${` at `dollar` (the index of its `}`).
pub(crate) fn v4_placeholder_end(s: &str, dollar: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = dollar;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if b[i] == b'}' && depth > 0 {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// What v4 does with the `${...}` starting at `dollar`.
pub(crate) fn v4_outcome(s: &str, dollar: usize) -> V4 {
    let Some(end) = v4_placeholder_end(s, dollar) else {
        return V4::KeepsText;
    };
    let whole = &s[dollar..=end];
    let after = whole.get(2..).unwrap_or("");
    if !(after.contains(':') || (after.contains('(') && after.contains(')'))) {
        return V4::KeepsText;
    }
    let body = &s[dollar + 2..end];
    let fallbacks = v4_split(body);
    if let Some(first) = fallbacks.first() {
        let provider = v4_provider(first.trim());
        let ignored = provider.is_some_and(|p| p.starts_with('!'))
            || (fallbacks.len() == 1 && matches!(provider, Some("AWS" | "PROP" | "iot")));
        if ignored {
            return V4::KeepsText;
        }
    }
    if fallbacks.iter().all(|f| v4_fallback_ok(f.trim())) {
        V4::Accepts
    } else {
        V4::Rejects
    }
}

/// Splits at commas outside parentheses and nested `${...}` (quotes are not considered).
fn v4_split(body: &str) -> Vec<&str> {
    let b = body.as_bytes();
    let mut parts = Vec::new();
    let (mut parens, mut braces) = (0i64, 0i64);
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'$' && b.get(i + 1) == Some(&b'{') {
            braces += 1;
            i += 2;
            continue;
        }
        match c {
            b'}' if braces > 0 => braces -= 1,
            b'(' => parens += 1,
            b')' => parens -= 1,
            b',' if parens == 0 && braces == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&body[start..]);
    parts
}

/// The provider name v4's main regex would capture, if it matches at all.
fn v4_provider(fallback: &str) -> Option<&str> {
    let end = fallback.find([':', '(', ')']).unwrap_or(fallback.len());
    if end == 0 {
        return None;
    }
    Some(&fallback[..end])
}

fn v4_fallback_ok(fallback: &str) -> bool {
    let json_ok = |s: &str| serde_json::from_str::<serde_json::Value>(s).is_ok();
    let quoted = fallback.len() >= 2
        && fallback.starts_with(['\'', '"'])
        && fallback.ends_with(['\'', '"'])
        && !fallback.contains('\n');
    if quoted {
        return (fallback.starts_with('\'') && fallback.ends_with('\'')) || json_ok(fallback);
    }
    if v4_is_placeholder(fallback) {
        return true;
    }
    json_ok(fallback)
}

/// v4's legacy and main regexes, reduced to "does this give a placeholder".
fn v4_is_placeholder(fallback: &str) -> bool {
    if fallback.contains('\n') {
        return false;
    }
    for legacy in ["s3", "ssm", "output", "cf"] {
        if let Some(rest) = fallback.strip_prefix(legacy) {
            if rest.starts_with(':') {
                return true;
            }
            if rest.starts_with('(') {
                if let Some(close) = rest.find(')') {
                    if rest[close + 1..].starts_with(':') {
                        return true;
                    }
                }
            }
        }
    }
    let Some(provider) = v4_provider(fallback) else {
        return false;
    };
    let rest = &fallback[provider.len()..];
    if rest.is_empty() {
        return false;
    }
    if let Some(key) = rest.strip_prefix(':') {
        return !key.is_empty();
    }
    if rest.starts_with('(') {
        // `\((.*)\)` greedy, then `(?::(.*))?$`.
        for (close, _) in rest
            .match_indices(')')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let after = &rest[close + 1..];
            if after.is_empty() || after.starts_with(':') {
                let params = &rest[1..close];
                let key = after.get(1..).unwrap_or("");
                return !params.is_empty() || !key.is_empty();
            }
        }
    }
    false
}
