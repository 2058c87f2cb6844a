//! Serverless variables (`${...}`): for now, only the question rules need answered: does this
//! value hold a variable that the framework would resolve? Such a value is unknown before deploy
//! time and rules stay silent on it. Forms the framework leaves alone (`${AWS::Region}` in
//! `Fn::Sub`, `${request.body.action}`, `#{AWS::AccountId}`) are plain text.

/// True when v3 or v4 of the framework would treat some `${...}` in `text` as a variable.
pub fn has_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut search = 0;
    while let Some(found) = text[search..].find("${") {
        let start = search + found;
        search = start + 2;
        // An odd number of backslashes before `${` escapes it (v3).
        let backslashes = bytes[..start]
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            continue;
        }
        let Some(body) = placeholder_body(&text[start + 2..]) else {
            // Unterminated: v3 reports a syntax error, v4 leaves it. Either way not a value.
            return text[start + 2..].starts_with(|c: char| c.is_ascii_lowercase());
        };
        if is_v3_variable(body) || is_v4_placeholder(body) {
            return true;
        }
    }
    false
}

/// The text up to the `}` that closes a `${`, counting nested braces.
fn placeholder_body(rest: &str) -> Option<&str> {
    let mut depth = 1;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// v3: a lowercase type `[a-z][a-zA-Z0-9.-]*` followed by `:` or `(`.
fn is_v3_variable(body: &str) -> bool {
    let mut chars = body.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_lowercase() => {}
        _ => return false,
    }
    for (_, c) in chars {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' => continue,
            ':' | '(' => return true,
            _ => return false,
        }
    }
    false
}

/// v4: anything with `:` (or parentheses) after its first characters, except the providers it
/// ignores on purpose (`AWS`, `PROP`, `iot`, `!...`).
fn is_v4_placeholder(body: &str) -> bool {
    if body.starts_with('!') {
        return false;
    }
    let has_colon = body.get(1..).is_some_and(|b| b.contains(':'));
    let has_parens = body
        .get(1..)
        .is_some_and(|b| b.contains('(') && b.contains(')'));
    if !has_colon && !has_parens {
        return false;
    }
    let provider = body.split([':', '(']).next().unwrap_or("");
    !matches!(provider, "AWS" | "PROP" | "iot")
}

#[cfg(test)]
mod tests {
    use super::has_variable;

    #[test]
    fn recognises_what_the_framework_resolves() {
        assert!(has_variable("${self:custom.route}"));
        assert!(has_variable("pre-${opt:stage, 'dev'}-post"));
        assert!(has_variable("${file(./x.yml):a}"));
        assert!(has_variable("${Foo:bar}"), "v4 resolves it (and fails)");
        assert!(!has_variable("${AWS::Region}"));
        assert!(!has_variable("${request.body.action}"));
        assert!(!has_variable("#{AWS::AccountId}"));
        assert!(!has_variable("\\${self:x}"));
        assert!(has_variable("\\\\${self:x}"));
        assert!(!has_variable("$request.body.action"));
        assert!(!has_variable("${!Literal}"));
    }
}
