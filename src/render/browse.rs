//! The browse mode: all tags, or the endpoints of one tag.

use serde_json::json;

use super::View;
use super::style::Style;
use super::table::{Table, one_line};
use crate::spec::{Operation, Spec, Tag};

pub fn tags(spec: &Spec, style: Style) -> View {
    let mut table = Table::new(["Tag", "Ops", "Description"]).numbered();
    let mut picks = Vec::new();
    for tag in &spec.tags {
        table.row(vec![
            style.bold(&tag.name),
            tag.operations.to_string(),
            one_line(&tag.description, 70),
        ]);
        picks.push(tag.name.clone());
    }
    let text = format!(
        "{} tags in spec {} ({} operations). Type a tag name{} to list its endpoints.\n\n{}",
        spec.tags.len(),
        spec.version,
        spec.operations.len(),
        " or its number",
        table.render(style)
    );
    let tags: Vec<_> = spec
        .tags
        .iter()
        .map(|t| json!({"name": t.name, "description": t.description, "operations": t.operations}))
        .collect();
    View {
        text,
        json: json!({"mode": "browse", "version": spec.version, "tags": tags}),
        picks,
    }
}

pub fn tag(spec: &Spec, tag: &Tag, style: Style) -> View {
    let ops: Vec<&Operation> = spec.tag_operations(&tag.name).collect();
    let mut table = Table::new(["Method", "Path", "Summary", "operationId"]).numbered();
    let mut picks = Vec::new();
    for op in &ops {
        let summary = if op.deprecated {
            format!("{} (deprecated)", op.summary)
        } else {
            op.summary.clone()
        };
        table.row(vec![
            style.method(op.method),
            op.path.clone(),
            one_line(&summary, 56),
            style.dim(&op.operation_id),
        ]);
        picks.push(format!("{} help", op.label()));
    }
    let mut text = format!(
        "{} — {} endpoints (spec {})\n",
        style.heading(&tag.name),
        ops.len(),
        spec.version
    );
    if !tag.description.is_empty() {
        text.push_str(&format!("{}\n", one_line(&tag.description, 100)));
    }
    text.push('\n');
    text.push_str(&table.render(style));
    text.push_str(
        "\nType a number, or METHOD /path help, to see an endpoint's parameters and schemas.\n",
    );
    let endpoints: Vec<_> = ops
        .iter()
        .map(|op| {
            json!({"method": op.method.as_str(), "path": op.path, "operation_id": op.operation_id, "summary": op.summary})
        })
        .collect();
    View {
        text,
        json: json!({"mode": "browse", "version": spec.version, "tag": tag.name, "endpoints": endpoints}),
        picks,
    }
}

/// "Did you mean": the nearest tags and endpoints for words that matched
/// nothing.
pub fn suggestions(
    spec: &Spec,
    typed: &str,
    tags: &[&Tag],
    ops: &[&Operation],
    style: Style,
) -> View {
    let mut text = format!("Nothing in spec {} matches `{typed}`.", spec.version);
    let mut picks = Vec::new();
    let mut table = Table::new(["Did you mean", ""]).numbered();
    for tag in tags {
        table.row(vec![
            style.bold(&tag.name),
            format!("tag, {} endpoints", tag.operations),
        ]);
        picks.push(tag.name.clone());
    }
    for op in ops {
        table.row(vec![
            format!("{} {}", style.method(op.method), op.path),
            one_line(&op.summary, 50),
        ]);
        picks.push(format!("{} help", op.label()));
    }
    if table.is_empty() {
        text.push_str(" Type `tags` to see what there is.\n");
    } else {
        text.push_str("\n\n");
        text.push_str(&table.render(style));
    }
    let json = json!({
        "mode": "suggestions",
        "version": spec.version,
        "query": typed,
        "tags": tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        "endpoints": ops.iter().map(|o| o.label()).collect::<Vec<_>>(),
    });
    View { text, json, picks }
}
