//! `--output csv|ndjson`: a list as rows for another program, written a
//! page at a time. NDJSON is each item as it came, one a line. CSV has a
//! header: for users, the columns people export them for (ID, email
//! addresses, names, created, last sign-in, the three metadata as JSON);
//! for other objects, the first item's fields. Nested values are JSON in
//! their cell, timestamps (Unix milliseconds) RFC 3339.

use serde_json::Value;

use crate::command::Export;

/// The columns of an exported user.
pub const USER_COLUMNS: &[&str] = &[
    "id",
    "email_addresses",
    "primary_email_address",
    "username",
    "first_name",
    "last_name",
    "created_at",
    "last_sign_in_at",
    "banned",
    "locked",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
];

/// Rows in one format; the CSV header is decided by the first item.
#[derive(Debug)]
pub struct Rows {
    kind: Export,
    columns: Option<Vec<String>>,
}

impl Rows {
    pub fn new(kind: Export) -> Rows {
        Rows {
            kind,
            columns: None,
        }
    }

    /// The lines for a page of items (the header before the first).
    pub fn page(&mut self, items: &[Value]) -> Vec<String> {
        let mut out = Vec::new();
        if self.kind == Export::Ndjson {
            out.extend(items.iter().map(Value::to_string));
            return out;
        }
        if self.columns.is_none() {
            let Some(first) = items.first() else {
                return out;
            };
            let columns = columns_for(first);
            out.push(csv_line(columns.iter().map(String::as_str)));
            self.columns = Some(columns);
        }
        let columns = self.columns.as_deref().unwrap_or_default();
        for item in items {
            let cells: Vec<String> = columns.iter().map(|c| cell(item, c)).collect();
            out.push(csv_line(cells.iter().map(String::as_str)));
        }
        out
    }
}

fn columns_for(first: &Value) -> Vec<String> {
    if first.get("object").and_then(Value::as_str) == Some("user") {
        return USER_COLUMNS.iter().map(|c| c.to_string()).collect();
    }
    match first {
        Value::Object(map) => map
            .keys()
            .filter(|k| k.as_str() != "object")
            .cloned()
            .collect(),
        _ => vec!["value".into()],
    }
}

fn cell(item: &Value, column: &str) -> String {
    let emails = || {
        item.get("email_addresses")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|e| e.get("email_address").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    match column {
        "email_addresses" if item.get("object").and_then(Value::as_str) == Some("user") => emails(),
        "primary_email_address" => super::fields::primary_email(item),
        "value" if !item.is_object() => scalar(item),
        _ => match item.get(column) {
            None | Some(Value::Null) => String::new(),
            Some(Value::Number(n)) if column.ends_with("_at") => n
                .as_i64()
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                .map_or_else(|| n.to_string(), |t| t.to_string()),
            Some(v) => scalar(v),
        },
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One CSV record, quoted where needed, without its line end.
fn csv_line<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(cells);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn users_export_with_their_columns() {
        let user = json!({"object": "user", "id": "user_1", "first_name": "Ann, Jr",
            "email_addresses": [{"id": "e1", "email_address": "a@x.io"}, {"id": "e2", "email_address": "b@x.io"}],
            "primary_email_address_id": "e2", "created_at": 1700000000000i64, "last_sign_in_at": null,
            "public_metadata": {"plan": "pro"}, "private_metadata": {}, "banned": false});
        let mut rows = Rows::new(Export::Csv);
        let lines = rows.page(std::slice::from_ref(&user));
        assert_eq!(lines[0], USER_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            r#"user_1,a@x.io b@x.io,b@x.io,,"Ann, Jr",,2023-11-14T22:13:20Z,,false,,"{""plan"":""pro""}",{},"#
        );
        assert_eq!(
            rows.page(std::slice::from_ref(&user)).len(),
            1,
            "the header once"
        );
        let mut nd = Rows::new(Export::Ndjson);
        assert_eq!(nd.page(std::slice::from_ref(&user)), [user.to_string()]);
        let mut other = Rows::new(Export::Csv);
        let lines = other.page(&[json!({"object": "organization", "id": "org_1", "name": "Acme"})]);
        assert_eq!(lines, ["id,name", "org_1,Acme"]);
    }
}
