//! A list's partial-match filter from a test the request states: "users
//! whose name contains Agrawal" → `GET /users?query=Agrawal`. The field is
//! `search` in `grammar/fields.txt`; Clerk's `query` matches anywhere in the
//! fields it searches, so any stated test (contains, starts or ends with)
//! narrows the list server-side.

use serde_json::Value;

use super::Filled;
use super::Filler;
use crate::intent::catalog::vocab::{OpVocab, Place};
use crate::intent::read::doc::Doc;
use crate::spec::Method;

pub fn query(r: &Filler, v: &OpVocab, doc: &Doc, f: &mut Filled) {
    if v.method != Method::Get {
        return;
    }
    let field = r
        .tables
        .fields_for_key("search")
        .iter()
        .filter_map(|name| v.field(name))
        .find(|x| x.place == Place::Query && !f.is_set(&x.name));
    let Some(field) = field else { return };
    let Some((k, text)) = doc.stated.searched.clone() else {
        return;
    };
    if f.used_tokens.contains(&k) {
        return;
    }
    if let Some(e) = doc.entity_at(k) {
        if f.used[e] {
            return;
        }
        f.used[e] = true;
    }
    f.used_tokens.push(k);
    let name = field.name.clone();
    f.set(field, Value::from(text));
    f.score(format!("{name} from the stated test"), 1.5);
}
