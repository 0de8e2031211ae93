//! Find, then act: "find jane@acme.io and ban her", "look up user_2x, then
//! delete them". The finding is the lookup (or the ID) the action's own
//! plan starts from, so the request is routed as the action with the found
//! target: "ban her jane@acme.io". Only an action that writes is taken this
//! way; anything else routes the whole request as before.

use super::{Again, Routing, Stages};
use crate::intent::fill::Context;
use crate::intent::read::doc::Doc;
use crate::intent::read::entities::Kind;

/// The verb classes of an action.
const ACTING: [&str; 3] = ["create", "update", "delete"];

pub fn route(r: &Stages, doc: &Doc, ctx: &Context, again: Again) -> Option<Routing> {
    let words = &r.reader.words;
    let lower: Vec<&str> = doc.tokens.iter().map(|t| t.lower.as_str()).collect();
    // The first connector that ends a finding clause.
    let (at, len) = (1..lower.len()).find_map(|i| {
        words
            .find_then
            .iter()
            .find(|p| lower[i..].starts_with(&p.iter().map(String::as_str).collect::<Vec<_>>()))
            .map(|p| (i, p.len()))
    })?;
    if doc.tokens[..at].iter().any(|t| t.quoted) && doc.tokens[at..].iter().any(|t| t.quoted) {
        return None;
    }
    let mut said = doc.said();
    let verb = said.next().filter(|t| t.last < at)?;
    let is = |class: &str, term: &str| words.verbs(class).iter().any(|w| w == term);
    if !is("read", &verb.text) {
        return None;
    }
    // What it finds: a value that names one thing (an email, a phone, a
    // username, an ID).
    let found = doc.entities.iter().any(|e| {
        e.hard
            && e.last < at
            && matches!(
                e.kind,
                Kind::Email | Kind::Phone | Kind::Username | Kind::Id
            )
    });
    let action = doc.said().find(|t| t.at >= at + len)?;
    let terms = &r.catalog.index.terms;
    let acts = ACTING.iter().any(|c| is(c, &action.text))
        || terms
            .get(&action.text)
            .is_some_and(|id| r.catalog.index.is_action(id) && !is("read", &action.text));
    if !found || !acts {
        return None;
    }
    let (first, then) = (verb.at..=verb.last, at..at + len);
    let target = doc.text_without(|i| i >= at || first.contains(&i));
    let action_text = doc.text_without(|i| i < then.end);
    let mut out = again(&format!("{action_text} {target}"), ctx);
    let writes = out.plan.as_ref().is_some_and(|p| p.writes());
    if !writes {
        return None;
    }
    out.why.insert(
        0,
        format!("Find, then act: routed as `{action_text}` on `{target}`."),
    );
    Some(out)
}
