//! A spinner line on stderr while something downloads.
//!
//! Drawn only when the caller says stderr is a terminal, and only once a
//! download has taken longer than a glance, so a quick revalidation leaves
//! the screen untouched. The line is erased when the download ends, whatever
//! its outcome: the output that follows starts on a clean line.

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// How often the line is redrawn; also the delay before it first appears.
const TICK: Duration = Duration::from_millis(100);

/// Carriage return, then erase the whole line.
const CLEAR: &str = "\r\x1b[2K";

/// Runs `work`, showing `label` and the bytes in `received` meanwhile.
pub async fn during<F: Future>(
    enabled: bool,
    label: &str,
    received: &AtomicU64,
    work: F,
) -> F::Output {
    if !enabled {
        return work.await;
    }
    let mut work = std::pin::pin!(work);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + TICK, TICK);
    let mut frame = 0;
    let mut drawn = false;
    let output = loop {
        tokio::select! {
            // A due tick draws before a finished download is taken, so a
            // download that outlived the delay always showed its line.
            biased;
            _ = ticks.tick() => {
                let bytes = received.load(Ordering::Relaxed);
                draw(&format!("{} {label}{}", FRAMES[frame % FRAMES.len()], size(bytes)));
                frame += 1;
                drawn = true;
            }
            output = &mut work => break output,
        }
    };
    if drawn {
        draw("");
    }
    output
}

/// Replaces the current stderr line with `line` (an empty line clears it).
fn draw(line: &str) {
    let mut err = std::io::stderr().lock();
    // A failed write to the terminal only loses the spinner.
    let _ = write!(err, "{CLEAR}{line}");
    let _ = err.flush();
}

fn size(bytes: u64) -> String {
    match bytes {
        0 => String::new(),
        1..1_024 => format!(" {bytes} B"),
        1_024..1_048_576 => format!(" {} KB", bytes / 1_024),
        _ => format!(" {:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(0), "");
        assert_eq!(size(512), " 512 B");
        assert_eq!(size(740 * 1_024 + 5), " 740 KB");
        assert_eq!(size(3 * 1_048_576 / 2), " 1.5 MB");
    }
}
