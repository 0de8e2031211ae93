//! The safety asymmetry: an operation that destroys or cuts off something
//! (a DELETE, a ban, a lock, a revoke... `destructive` of
//! `grammar/actions.txt`) is chosen only when the request says that action:
//! a word of the operation's own destructive verb, a delete verb for a
//! DELETE, a verb whose `akin.*` action it is, a wish that something stop
//! that flips to it, a rule, or its name typed. Otherwise the router offers
//! candidates instead of picking.

use crate::intent::catalog::vocab::OpVocab;
use crate::intent::read::doc::{Doc, Words};
use crate::spec::Method;

/// Whether the request carries explicit evidence for a destructive
/// operation (`true` for one that destroys nothing).
pub fn evidence(words: &Words, doc: &Doc, v: &OpVocab, by_rule: bool, named: bool) -> bool {
    if !v.destructive || by_rule || named {
        return true;
    }
    let deletes = words.verbs("delete");
    let said = doc.said().any(|t| {
        let raw = doc.tokens[t.at].lower.as_str();
        v.evidence.iter().any(|e| *e == t.text || e == raw)
            || (v.method == Method::Delete && deletes.contains(&t.text))
            || words.akin.iter().any(|(verb, actions)| {
                *verb == t.text
                    && match &v.action {
                        Some(a) => actions.contains(a),
                        None => {
                            v.method == Method::Delete
                                && actions.iter().any(|a| deletes.contains(a))
                        }
                    }
            })
    });
    said || doc.negation.flips.iter().any(|f| v.evidence.contains(f))
}
