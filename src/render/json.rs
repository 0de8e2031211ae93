//! Pretty JSON, coloured when the stream takes colours: keys cyan, strings
//! green, numbers yellow, booleans and null magenta.

use serde_json::Value;

use super::Style;

pub fn pretty(value: &Value, style: Style) -> String {
    if !style.color {
        return serde_json::to_string_pretty(value).unwrap_or_default();
    }
    let mut out = String::new();
    write(value, style, 0, &mut out);
    out
}

fn write(value: &Value, style: Style, depth: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let members = map.iter().map(|(k, v)| (Some(k), v));
            block(('{', '}'), members, style, depth, out)
        }
        Value::Array(items) if !items.is_empty() => block(
            ('[', ']'),
            items.iter().map(|v| (None, v)),
            style,
            depth,
            out,
        ),
        Value::String(_) => out.push_str(&style.green(&value.to_string())),
        Value::Number(_) => out.push_str(&style.yellow(&value.to_string())),
        Value::Bool(_) | Value::Null => out.push_str(&style.magenta(&value.to_string())),
        empty => out.push_str(&empty.to_string()),
    }
}

/// An object's or an array's members, one a line, indented one step.
fn block<'v>(
    (open, close): (char, char),
    members: impl ExactSizeIterator<Item = (Option<&'v String>, &'v Value)>,
    style: Style,
    depth: usize,
    out: &mut String,
) {
    let pad = |d: usize| "  ".repeat(d);
    let n = members.len();
    out.push(open);
    out.push('\n');
    for (i, (key, v)) in members.enumerate() {
        out.push_str(&pad(depth + 1));
        if let Some(k) = key {
            out.push_str(&style.cyan(&Value::String(k.clone()).to_string()));
            out.push_str(": ");
        }
        write(v, style, depth + 1, out);
        if i + 1 < n {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(&pad(depth));
    out.push(close);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_matches_serde_and_colour_adds_codes() {
        let v = json!({"a": [1, "x", null], "b": {}, "c": []});
        assert_eq!(
            pretty(&v, Style::PLAIN),
            serde_json::to_string_pretty(&v).unwrap()
        );
        let coloured = pretty(
            &v,
            Style {
                color: true,
                width: None,
            },
        );
        assert!(coloured.contains('\u{1b}'));
        assert_eq!(
            super::super::style::visible_width(&coloured.replace('\n', "")),
            {
                serde_json::to_string_pretty(&v)
                    .unwrap()
                    .replace('\n', "")
                    .chars()
                    .count()
            }
        );
    }
}
