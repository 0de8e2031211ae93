//! Aligned text tables, optionally numbered so a REPL user can type a row's
//! number to open it.

use super::style::{Style, visible_width};

pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    numbered: bool,
}

impl Table {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(headers: I) -> Table {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            numbered: false,
        }
    }

    /// Prefixes rows with `1.`, `2.`...
    pub fn numbered(mut self) -> Table {
        self.numbered = true;
        self
    }

    /// Adds a row of cells, already styled if wanted.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines; the last column is never padded.
    pub fn render(&self, style: Style) -> String {
        let mut headers = self.headers.clone();
        let mut rows = self.rows.clone();
        if self.numbered {
            headers.insert(0, "#".into());
            for (i, row) in rows.iter_mut().enumerate() {
                row.insert(0, format!("{}", i + 1));
            }
        }
        let cols = headers.len();
        let mut widths = vec![0; cols];
        for row in std::iter::once(&headers).chain(rows.iter()) {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(visible_width(cell));
            }
        }
        if let Some(max) = style.width {
            fit(&mut widths, max);
        }
        let line = |cells: &[String], head: bool| {
            let mut out = String::from("  ");
            for (i, cell) in cells.iter().enumerate().take(cols) {
                let cell = cut_to(cell, widths[i]);
                let text = if head {
                    style.bold(&cell)
                } else {
                    cell.clone()
                };
                out.push_str(&text);
                if i + 1 < cols {
                    let pad = widths[i].saturating_sub(visible_width(&cell)) + 2;
                    out.push_str(&" ".repeat(pad));
                }
            }
            out.trim_end().to_string()
        };
        let mut out = line(&headers, true);
        out.push('\n');
        for row in &rows {
            out.push_str(&line(row, false));
            out.push('\n');
        }
        out
    }
}

/// Narrows the widest columns until the table fits `max` display columns
/// (two of indent, two between columns); no column goes below 8 or its own
/// width, whichever is less. A table that cannot fit stays as narrow as
/// that allows.
fn fit(widths: &mut [usize], max: usize) {
    let floor: Vec<usize> = widths.iter().map(|w| (*w).min(8)).collect();
    let total = |w: &[usize]| 2 + w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    while total(widths) > max {
        let Some((i, _)) = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > floor[*i])
            .max_by_key(|(_, w)| **w)
        else {
            break;
        };
        widths[i] -= 1;
    }
}

/// A cell cut to `width` display columns with `…`. Styled cells (with
/// escape codes) are short labels and are left whole.
fn cut_to(cell: &str, width: usize) -> String {
    if visible_width(cell) <= width || cell.contains('\u{1b}') {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The first sentence of a description's first paragraph, at most `max`
/// characters. The spec wraps its prose at ~80 columns, so a paragraph's
/// lines are joined before the sentence is cut.
pub fn one_line(text: &str, max: usize) -> String {
    let paragraph = text
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let first = match paragraph.find(". ") {
        Some(i) => &paragraph[..=i],
        None => paragraph.as_str(),
    };
    truncate(first, max)
}

pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Wraps text to `width` columns with an indent; blank lines are kept.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    // Collapse runs of blank lines the spec's markdown leaves behind.
    while out.contains(&format!("{indent}\n{indent}\n")) {
        out = out.replace(&format!("{indent}\n{indent}\n"), &format!("{indent}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_numbers() {
        let mut t = Table::new(["name", "n"]).numbered();
        t.row(vec!["Users".into(), "35".into()]);
        t.row(vec!["JWKS".into(), "1".into()]);
        let out = t.render(Style::PLAIN);
        assert_eq!(out, "  #  name   n\n  1  Users  35\n  2  JWKS   1\n");
    }

    #[test]
    fn wide_characters_align_and_tables_fit_the_terminal() {
        let mut t = Table::new(["name", "id"]);
        t.row(vec!["山田太郎".into(), "user_1".into()]);
        t.row(vec!["Ann 🎉".into(), "user_2".into()]);
        let text = t.render(Style::PLAIN);
        let ids: Vec<usize> = text
            .lines()
            .map(|l| visible_width(&l[..l.find("user_").unwrap_or(l.len())]))
            .skip(1)
            .collect();
        assert_eq!(ids[0], ids[1], "{text}");
        let mut t = Table::new(["id", "description"]);
        t.row(vec!["user_1".into(), "x".repeat(200)]);
        let narrow = t.render(Style::PLAIN.with_width(Some(40)));
        assert!(narrow.lines().all(|l| visible_width(l) <= 40), "{narrow}");
        assert!(narrow.contains('…'));
        let whole = t.render(Style::PLAIN);
        assert!(whole.contains(&"x".repeat(200)));
    }

    #[test]
    fn one_line_takes_the_first_sentence() {
        assert_eq!(
            one_line("Returns a list. The users are sorted.", 80),
            "Returns a list."
        );
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(
            one_line("\nReturns users that\nhave memberships. More.", 80),
            "Returns users that have memberships."
        );
    }
}
