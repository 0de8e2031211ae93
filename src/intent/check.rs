//! Whether `grammar/` fits a spec: every operation the rules, fast paths
//! and SDK templates name exists (with the same operationId), every
//! parameter an ID prefix fills and every field a value kind fills exists
//! somewhere. tests/grammar.rs runs this against the latest spec, so a spec
//! update that removes something fails loudly.

use std::collections::HashSet;

use crate::intent::Router;
use crate::intent::catalog::rules;
use crate::intent::grammar::Grammar;
use crate::spec::{Method, Spec};

impl Grammar {
    /// What in the grammar does not match `spec`: operations that rules,
    /// fast paths and SDK templates name but the spec lacks (or names
    /// differently), and ID parameters no operation has. Empty when all is
    /// well.
    fn problems(&self, spec: &Spec) -> Vec<String> {
        let mut out = Vec::new();
        let exists = |method: Method, path: &str| {
            spec.operations
                .iter()
                .any(|o| o.method == method && o.path == path)
        };
        for f in &self.fastpaths {
            let all = f.ops.iter().chain(&f.lookup).chain(&f.read).chain(&f.write);
            for op in all.chain(&f.bulk) {
                match spec
                    .operations
                    .iter()
                    .find(|o| o.method == op.method && o.path == op.path)
                {
                    None => out.push(format!(
                        "fastpaths.txt [{}]: {} is not in spec {}",
                        f.name,
                        op.label(),
                        spec.version
                    )),
                    Some(o) if o.operation_id != op.operation_id => out.push(format!(
                        "fastpaths.txt [{}]: {} is {} in spec {}, not {}",
                        f.name,
                        op.label(),
                        o.operation_id,
                        spec.version,
                        op.operation_id
                    )),
                    Some(_) => {}
                }
            }
        }
        for (label, _) in &self.sdk {
            let ok = label
                .split_once(' ')
                .and_then(|(m, p)| Method::parse(m).map(|m| exists(m, p)))
                .unwrap_or(false);
            if !ok {
                out.push(format!("sdk.txt: {label} is not in spec {}", spec.version));
            }
        }
        let names = field_names(spec);
        for id in &self.ids {
            for p in &id.params {
                if !names.contains(p.as_str()) {
                    out.push(format!(
                        "ids.txt {}: no operation of spec {} has a parameter or field `{p}`",
                        id.prefix, spec.version
                    ));
                }
            }
        }
        out
    }
}

impl Router {
    /// What in `grammar/` does not fit this router's spec: operations rules,
    /// fast paths or SDK templates name that the spec lacks, ID parameters
    /// and fields no operation has. Empty when all is well.
    pub fn problems(&self, spec: &Spec) -> Vec<String> {
        let mut out = self.grammar.problems(spec);
        for rule in &self.catalog.rules {
            if let rules::Target::Op(m, path) = &rule.target
                && !self
                    .catalog
                    .vocab
                    .iter()
                    .any(|v| v.method == *m && v.path == *path)
            {
                out.push(format!(
                    "rules.txt line {}: {m} {path} is not in spec {}",
                    rule.line, spec.version
                ));
            }
        }
        let names = field_names(spec);
        for e in &self.grammar.fields.entries {
            let lists_fields =
                !matches!(e.key.as_str(), "true" | "false") && !e.key.starts_with("order.");
            for f in self
                .grammar
                .fields
                .list(&e.key)
                .iter()
                .filter(|_| lists_fields)
            {
                if !names.contains(f.as_str()) {
                    out.push(format!(
                        "fields.txt {}: no operation has a field `{f}`",
                        e.key
                    ));
                }
            }
        }
        for (field, _) in &self.reader.ex.time.fields {
            if !names.contains(format!("{field}_after").as_str()) {
                out.push(format!(
                    "time.txt field.{field}: no operation has `{field}_after`"
                ));
            }
        }
        out
    }
}

/// Every path, query and top-level body field name of a spec.
pub fn field_names(spec: &Spec) -> HashSet<&str> {
    let mut names = HashSet::new();
    for op in &spec.operations {
        names.extend(op.parameters.iter().map(|p| p.name.as_str()));
        if let Some(id) = op.request_body.as_ref().and_then(|b| b.schema) {
            names.extend(spec.properties(id).iter().map(|p| p.name));
        }
    }
    names
}
