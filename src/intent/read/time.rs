//! Time filters in plain English ("in the last 7 days", "this week",
//! "since 2025-01-01") as Unix milliseconds, computed from a `now` the
//! caller passes in, so routing stays pure and testable. Days and weeks
//! start at midnight UTC; weeks on Monday.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::intent::grammar::Table;

/// Which side of the moment the filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    After,
    Before,
}

/// One bound of a time filter.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeFilter {
    pub bound: Bound,
    pub ms: i64,
    /// The timestamp it is about (`created_at`...), when a word said so.
    pub field: Option<String>,
    /// What was typed, for notes ("in the last 7 days").
    pub label: String,
}

/// The time words of `grammar/time.txt`.
#[derive(Debug, Clone, Default)]
pub struct TimeWords {
    units: Vec<(String, Vec<String>)>,
    recent: Vec<String>,
    after: Vec<String>,
    before: Vec<String>,
    anchors: Vec<(String, Vec<Vec<String>>)>,
    negation: Vec<String>,
    window: Vec<String>,
    older: Vec<Vec<String>>,
    ago: Vec<String>,
    /// `(field, phrases)`, in file order: the default field first.
    pub fields: Vec<(String, Vec<Vec<String>>)>,
}

fn phrases(items: Vec<String>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|p| p.split_whitespace().map(str::to_string).collect())
        .collect()
}

impl TimeWords {
    pub fn new(table: &Table) -> TimeWords {
        TimeWords {
            units: table.family("unit"),
            recent: table.list("recent"),
            after: table.list("after"),
            negation: table.list("negation"),
            window: table.list("window"),
            older: phrases(table.list("older")),
            ago: table.list("ago"),
            before: table.list("before"),
            anchors: table
                .family("anchor")
                .into_iter()
                .map(|(k, v)| (k, phrases(v)))
                .collect(),
            fields: table
                .family("field")
                .into_iter()
                .map(|(k, v)| (k, phrases(v)))
                .collect(),
        }
    }

    /// Every word these lists use.
    pub fn vocabulary(&self) -> Vec<String> {
        let mut out: Vec<String> = self.units.iter().flat_map(|(_, w)| w.clone()).collect();
        out.extend(
            self.recent
                .iter()
                .chain(&self.after)
                .chain(&self.before)
                .chain(&self.window)
                .chain(&self.ago)
                .cloned(),
        );
        out.extend(self.older.iter().flatten().cloned());
        for (_, list) in self.anchors.iter().chain(&self.fields) {
            out.extend(list.iter().flatten().cloned());
        }
        out
    }

    fn unit(&self, word: &str) -> Option<&str> {
        self.units
            .iter()
            .find(|(_, words)| words.iter().any(|w| w == word))
            .map(|(u, _)| u.as_str())
    }

    /// A number of a unit ("600 seconds"), as seconds; for durations.
    pub fn seconds(&self, n: i64, unit_word: &str) -> Option<i64> {
        let per = match self.unit(unit_word)? {
            "second" => 1,
            "minute" => 60,
            "hour" => 3600,
            "day" => 86_400,
            "week" => 7 * 86_400,
            "month" => 30 * 86_400,
            "year" => 365 * 86_400,
            _ => return None,
        };
        n.checked_mul(per)
    }

    pub fn is_recent(&self, word: &str) -> bool {
        self.recent.iter().any(|w| w == word)
    }

    /// Reads a time filter starting at word `i` of lower-case `words`:
    /// the filters found and how many words they used.
    pub fn scan(&self, words: &[&str], i: usize, now_ms: i64) -> Option<(Vec<TimeFilter>, usize)> {
        let w = |k: usize| words.get(k).copied().unwrap_or("");
        let label = |n: usize| words[i..(i + n).min(words.len())].join(" ");
        let after = |ms: i64, n: usize| {
            let f = TimeFilter {
                bound: Bound::After,
                ms,
                field: None,
                label: label(n),
            };
            Some((vec![f], n))
        };
        if self.is_recent(w(i)) {
            if let (Ok(n), Some(unit)) = (w(i + 1).parse::<i64>(), self.unit(w(i + 2))) {
                return after(back(now_ms, n, unit)?, 3);
            }
            if let Some(unit) = self.unit(w(i + 1)) {
                return after(back(now_ms, 1, unit)?, 2);
            }
        }
        let amount = |k: usize| Some((w(k).parse::<i64>().ok()?, self.unit(w(k + 1))?));
        if self.window.iter().any(|x| x == w(i))
            && self.negated(words, i)
            && let Some((n, unit)) = amount(i + 1)
        {
            return after(back(now_ms, n, unit)?, 3);
        }
        for older in &self.older {
            let m = older.len();
            if older.iter().enumerate().all(|(k, p)| w(i + k) == p)
                && let Some((n, unit)) = amount(i + m)
                && self.ago.iter().any(|a| a == w(i + m + 2))
            {
                let f = TimeFilter {
                    bound: Bound::Before,
                    ms: back(now_ms, n, unit)?,
                    field: None,
                    label: label(m + 3),
                };
                return Some((vec![f], m + 3));
            }
        }
        for (anchor, list) in &self.anchors {
            for phrase in list {
                if phrase.iter().enumerate().all(|(k, p)| w(i + k) == p) {
                    let n = phrase.len();
                    let today = day_start(now_ms)?;
                    return match anchor.as_str() {
                        "today" => after(today, n),
                        "week" => after(week_start(now_ms)?, n),
                        "month" => after(month_start(now_ms)?, n),
                        "yesterday" => {
                            let start = today - 86_400_000;
                            let mut f = after(start, n)?.0;
                            f.push(TimeFilter {
                                bound: Bound::Before,
                                ms: today,
                                field: None,
                                label: label(n),
                            });
                            Some((f, n))
                        }
                        _ => None,
                    };
                }
            }
        }
        let bound = if self.after.iter().any(|a| a == w(i)) {
            Bound::After
        } else if self.before.iter().any(|b| b == w(i)) {
            Bound::Before
        } else {
            return None;
        };
        let ms = date_ms(w(i + 1))?;
        let f = TimeFilter {
            bound,
            ms,
            field: None,
            label: label(2),
        };
        Some((vec![f], 2))
    }

    /// Whether a word shortly before a filter turns it around.
    pub fn negated(&self, words: &[&str], at: usize) -> bool {
        words[at.saturating_sub(5)..at]
            .iter()
            .any(|w| self.negation.iter().any(|n| n == w))
    }

    /// The timestamp field named by words just before a filter.
    pub fn field_near(&self, words: &[&str], at: usize) -> Option<String> {
        let from = at.saturating_sub(4);
        for (field, list) in &self.fields {
            for phrase in list {
                let n = phrase.len();
                let found = (from..at).any(|s| {
                    s + n <= at && phrase.iter().enumerate().all(|(k, p)| words[s + k] == p)
                });
                if found {
                    return Some(field.clone());
                }
            }
        }
        None
    }
}

fn zoned(now_ms: i64) -> Option<jiff::ZonedDateTime> {
    Some(
        Timestamp::from_millisecond(now_ms)
            .ok()?
            .to_zoned_datetime(TimeZone::UTC),
    )
}

/// `n` units before `now`; months and years by the calendar.
fn back(now_ms: i64, n: i64, unit: &str) -> Option<i64> {
    let span = match unit {
        "second" => n.seconds(),
        "minute" => n.minutes(),
        "hour" => n.hours(),
        "day" => n.days(),
        "week" => n.weeks(),
        "month" => n.months(),
        "year" => n.years(),
        _ => return None,
    };
    let z = zoned(now_ms)?.checked_sub(span).ok()?;
    Some(z.timestamp().as_millisecond())
}

fn midnight(date: Date) -> Option<i64> {
    let z = date.to_zoned_datetime(TimeZone::UTC).ok()?;
    Some(z.timestamp().as_millisecond())
}

fn day_start(now_ms: i64) -> Option<i64> {
    midnight(zoned(now_ms)?.date())
}

fn week_start(now_ms: i64) -> Option<i64> {
    let today = zoned(now_ms)?.date();
    let offset = i64::from(today.weekday().to_monday_zero_offset());
    midnight(today.checked_sub(offset.days()).ok()?)
}

fn month_start(now_ms: i64) -> Option<i64> {
    midnight(zoned(now_ms)?.date().first_of_month())
}

/// `2025-01-01` (or a full RFC 3339 timestamp) as Unix milliseconds.
pub fn date_ms(text: &str) -> Option<i64> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts.as_millisecond());
    }
    midnight(text.parse::<Date>().ok()?)
}

/// Milliseconds as a readable UTC time for notes.
pub fn describe(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => ms.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::grammar::Grammar;

    /// Wednesday 2025-06-18 12:00:00 UTC.
    const NOW: i64 = 1_750_248_000_000;

    fn scan(text: &str) -> Option<(Vec<TimeFilter>, usize)> {
        let g = Grammar::load().unwrap();
        let t = TimeWords::new(&g.time);
        let words: Vec<&str> = text.split(' ').collect();
        t.scan(&words, 0, NOW)
    }

    fn after(text: &str) -> i64 {
        scan(text).unwrap().0[0].ms
    }

    #[test]
    fn relative_windows() {
        assert_eq!(after("last 7 days"), NOW - 7 * 86_400_000);
        assert_eq!(after("past 24 hours"), NOW - 86_400_000);
        assert_eq!(after("last week"), NOW - 7 * 86_400_000);
        assert_eq!(after("last 2 weeks"), NOW - 14 * 86_400_000);
        // 2025-05-18 12:00 UTC: a calendar month back.
        assert_eq!(after("past month"), 1_747_569_600_000);
        assert_eq!(scan("last 7 days").unwrap().1, 3);
    }

    #[test]
    fn anchors_and_dates() {
        let midnight = 1_750_204_800_000; // 2025-06-18 00:00 UTC
        assert_eq!(after("today"), midnight);
        assert_eq!(after("this week"), midnight - 2 * 86_400_000); // Monday 16th
        assert_eq!(after("this month"), midnight - 17 * 86_400_000);
        assert_eq!(after("since 2025-01-01"), 1_735_689_600_000);
        let (y, _) = scan("yesterday").unwrap();
        assert_eq!(
            (y[0].ms, y[1].ms, y[1].bound),
            (midnight - 86_400_000, midnight, Bound::Before)
        );
        let (b, _) = scan("before 2025-01-01").unwrap();
        assert_eq!(b[0].bound, Bound::Before);
        assert!(scan("last name").is_none());
        assert_eq!(describe(midnight), "2025-06-18 00:00 UTC");
    }

    /// "more than 90 days ago" is before that moment; "for 30 days" is a
    /// window only after a negation, which the caller turns around
    /// ("haven't signed in for 30 days"), never in "valid for 7 days".
    #[test]
    fn older_than_and_negated_windows() {
        let (f, n) = scan("more than 90 days ago").unwrap();
        assert_eq!(
            (f[0].bound, f[0].ms, n),
            (Bound::Before, NOW - 90 * 86_400_000, 5)
        );
        assert!(scan("more than 90 days").is_none());
        let g = Grammar::load().unwrap();
        let t = TimeWords::new(&g.time);
        let words = ["inactive", "for", "30", "days"];
        let (f, n) = t.scan(&words, 1, NOW).unwrap();
        assert_eq!((f[0].ms, n), (NOW - 30 * 86_400_000, 3));
        assert!(t.negated(&words, 1));
        assert!(t.scan(&["valid", "for", "7", "days"], 1, NOW).is_none());
    }
}
