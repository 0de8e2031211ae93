//! Fan-out: a step that runs once per target instead of once. The targets
//! are IDs (or emails) given in the command, the lines or one CSV column of
//! a file (`--each FILE`), or the items of an earlier list step, filtered
//! locally where the API has no filter. Each target fills one slot of the
//! step (a path parameter such as `user_id`, or a body field such as
//! `identifier`); everything else about the request is the same for all.
//!
//! This is plan data, so explicit endpoints, fast paths and the router all
//! build it the same way ([`fan_out`]); reading a file or a list happens
//! when the plan runs, streamed, so 100,000 targets take no more memory
//! than ten.

use serde::Serialize;
use serde_json::Value;

use super::links::put;
use super::{Plan, Slot, Step};

/// A step's fan-out: where each target goes, and where targets come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Each {
    pub slot: Slot,
    pub targets: Targets,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Targets {
    /// Values given in the command: `ban user_1 user_2 user_3`.
    Given { values: Vec<String> },
    /// A file: one target a line, or a column of a CSV file with a header
    /// (`column`, else the column named like the slot, `id` or `email`).
    File {
        path: String,
        column: Option<String>,
    },
    /// Every item of an earlier list step (all of its pages): the value at
    /// `pointer` in each item (`/id`) that passes every filter.
    Items {
        step: usize,
        pointer: String,
        filters: Vec<Filter>,
    },
}

/// A test on a list item the API cannot do itself ("whose email ends with
/// @spam.test"). `field` is a JSON pointer into the item, or `email` for
/// any of a user's email addresses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filter {
    pub field: String,
    pub test: Test,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", content = "value", rename_all = "snake_case")]
pub enum Test {
    Equals(String),
    EndsWith(String),
    StartsWith(String),
    Contains(String),
    /// A number (Clerk's timestamps are Unix milliseconds) at or after.
    AtLeast(i64),
    /// A number before.
    Below(i64),
}

/// THE hook for whoever builds plans (explicit endpoints, fast paths, the
/// router): makes the plan's last step run once per target, each target
/// filling `slot`. "ban these 3 users" is `fan_out(plan, Slot::Path("user_id"),
/// Targets::Given{..})`; "delete the test users created today" is a list
/// step followed by a DELETE with `Targets::Items { step: 0, pointer: "/id",
/// filters }`. The plan then runs through the same pipeline as any other;
/// the pipeline shows the count and asks once.
pub fn fan_out(plan: &mut Plan, slot: Slot, targets: Targets) -> Result<(), String> {
    let last = plan
        .steps
        .len()
        .checked_sub(1)
        .ok_or("an empty plan cannot fan out")?;
    if let Targets::Items { step, .. } = &targets
        && *step >= last
    {
        return Err(format!(
            "step {} takes its targets from step {}, which does not come before it",
            last + 1,
            step + 1
        ));
    }
    plan.steps[last].each = Some(Each { slot, targets });
    Ok(())
}

impl Plan {
    /// The step that fans out (always the last), if any.
    pub fn fan_out_step(&self) -> Option<(usize, &Step, &Each)> {
        let (i, step) = self.steps.iter().enumerate().next_back()?;
        step.each.as_ref().map(|e| (i, step, e))
    }

    /// Only the last step may fan out: the steps before it run once.
    pub fn check_fan_out(&self) -> Result<(), String> {
        let n = self.steps.len();
        match self
            .steps
            .iter()
            .take(n.saturating_sub(1))
            .position(|s| s.each.is_some())
        {
            Some(i) => Err(format!(
                "step {} of {n} fans out, but only the last step of a plan may",
                i + 1
            )),
            None => Ok(()),
        }
    }
}

impl Targets {
    /// Where the targets come from, in a few words.
    pub fn describe(&self) -> String {
        match self {
            Targets::Given { values } => values.join(", "),
            Targets::File { path, column } => match column {
                Some(c) => format!("column {c} of {path}"),
                None => format!("each line of {path}"),
            },
            Targets::Items {
                step,
                pointer,
                filters,
            } => {
                let tests: Vec<String> = filters.iter().map(Filter::describe).collect();
                let only = if tests.is_empty() {
                    String::new()
                } else {
                    format!(", only where {}", tests.join(" and "))
                };
                format!(
                    "{pointer} of every item of step {} (every page){only}",
                    step + 1
                )
            }
        }
    }
}

impl Step {
    /// The step for one target: the slot filled, the fan-out removed.
    pub fn for_target(&self, target: &str) -> Step {
        let mut out = self.clone();
        let Some(each) = out.each.take() else {
            return out;
        };
        let value = Value::String(target.to_string());
        match &each.slot {
            Slot::Path(name) => {
                out.path_params.retain(|(n, _)| n != name);
                out.path_params.push((name.clone(), value));
            }
            Slot::Query(name) => {
                out.query.retain(|(n, _)| n != name);
                out.query.push((name.clone(), value));
            }
            Slot::Body(pointer) => {
                let body = out
                    .body
                    .get_or_insert_with(|| Value::Object(Default::default()));
                put(body, pointer, value);
            }
        }
        out
    }
}

impl Slot {
    /// `user_id`, `identifier`: the slot's name as people read it.
    pub fn name(&self) -> &str {
        match self {
            Slot::Path(n) | Slot::Query(n) => n,
            Slot::Body(p) => p.trim_start_matches('/'),
        }
    }
}

impl Filter {
    pub fn passes(&self, item: &Value) -> bool {
        if self.field == "email" {
            let emails = item.get("email_addresses").and_then(Value::as_array);
            let mut found = emails.into_iter().flatten().filter_map(|e| {
                e.get("email_address")
                    .and_then(Value::as_str)
                    .map(Value::from)
            });
            return found.any(|v| self.test.passes(&v))
                || item
                    .get("email_address")
                    .is_some_and(|v| self.test.passes(v));
        }
        item.pointer(&self.field)
            .is_some_and(|v| self.test.passes(v))
    }

    /// `email ends with @spam.test`.
    pub fn describe(&self) -> String {
        let field = self.field.trim_start_matches('/').replace('/', ".");
        let (op, value) = match &self.test {
            Test::Equals(v) => ("is", v.clone()),
            Test::EndsWith(v) => ("ends with", v.clone()),
            Test::StartsWith(v) => ("starts with", v.clone()),
            Test::Contains(v) => ("contains", v.clone()),
            Test::AtLeast(n) => ("is at least", n.to_string()),
            Test::Below(n) => ("is below", n.to_string()),
        };
        format!("{field} {op} {value}")
    }
}

impl Test {
    fn passes(&self, v: &Value) -> bool {
        // Text tests ignore case: emails and usernames are case-insensitive.
        let text = || match v {
            Value::String(s) => Some(s.to_lowercase()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        match self {
            Test::Equals(w) => text().is_some_and(|t| t == w.to_lowercase()),
            Test::EndsWith(w) => text().is_some_and(|t| t.ends_with(&w.to_lowercase())),
            Test::StartsWith(w) => text().is_some_and(|t| t.starts_with(&w.to_lowercase())),
            Test::Contains(w) => text().is_some_and(|t| t.contains(&w.to_lowercase())),
            Test::AtLeast(n) => v.as_i64().is_some_and(|x| x >= *n),
            Test::Below(n) => v.as_i64().is_some_and(|x| x < *n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Method;
    use serde_json::json;

    #[test]
    fn each_target_fills_its_slot_and_nothing_else() {
        let mut s = Step::new(Method::Post, "/users/{user_id}/ban", "BanUser");
        s.each = Some(Each {
            slot: Slot::Path("user_id".into()),
            targets: Targets::Given {
                values: vec!["user_1".into()],
            },
        });
        let one = s.for_target("user_2");
        assert_eq!(one.concrete_path(), "/users/user_2/ban");
        assert!(one.each.is_none());
        let mut b = Step::new(Method::Post, "/allowlist_identifiers", "X");
        b.body = Some(json!({"notify": false}));
        b.each = Some(Each {
            slot: Slot::Body("/identifier".into()),
            targets: Targets::Given { values: vec![] },
        });
        assert_eq!(
            b.for_target("a@b.co").body,
            Some(json!({"notify": false, "identifier": "a@b.co"}))
        );
    }

    #[test]
    fn only_the_last_step_fans_out() {
        let mut plan = Plan::new("v", vec![Step::new(Method::Get, "/users", "L")], "t");
        let items = Targets::Items {
            step: 0,
            pointer: "/id".into(),
            filters: vec![],
        };
        assert!(fan_out(&mut plan, Slot::Path("user_id".into()), items.clone()).is_err());
        plan.steps
            .push(Step::new(Method::Delete, "/users/{user_id}", "D"));
        fan_out(&mut plan, Slot::Path("user_id".into()), items).unwrap();
        assert!(plan.check_fan_out().is_ok());
        assert_eq!(plan.fan_out_step().map(|(i, _, _)| i), Some(1));
    }

    #[test]
    fn filters_read_emails_and_timestamps() {
        let user = json!({"id": "user_1", "created_at": 1000,
            "email_addresses": [{"email_address": "a@x.io"}, {"email_address": "Bot@Spam.test"}]});
        let f = |field: &str, test| Filter {
            field: field.into(),
            test,
        };
        assert!(f("email", Test::EndsWith("@spam.test".into())).passes(&user));
        assert!(!f("email", Test::EndsWith("@acme.io".into())).passes(&user));
        assert!(f("/created_at", Test::AtLeast(1000)).passes(&user));
        assert!(!f("/created_at", Test::Below(1000)).passes(&user));
        assert!(f("/id", Test::StartsWith("user_".into())).passes(&user));
        assert_eq!(
            f("email", Test::EndsWith("@spam.test".into())).describe(),
            "email ends with @spam.test"
        );
    }
}
