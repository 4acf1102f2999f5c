//! Kubernetes klog / glog lines, read as the `klog` regex reads them: `E0829
//! 13:47:41.500123    1234 reflector.go:147] message` (level letter, month and day, time, thread
//! id, source line). Every run is followed by a byte its class cannot take, so there is nothing
//! to backtrack.

use super::util::{digits, is, is_space, last_newline, rest_ok, run, set, shape, spaces};
use super::Slots;

const LEVEL: usize = 1;
const TS: usize = 2;
const PID: usize = 3;
const CALLER: usize = 4;
const MESSAGE: usize = 5;

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    // `[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6}\s+(?P<pid>\d+) `
    if !matches!(l.first(), Some(b'I' | b'W' | b'E' | b'F'))
        || !shape(l.get(1..).unwrap_or_default(), b"dddd dd:dd:dd.dddddd")
    {
        return false;
    }
    let pid = spaces(l, 21);
    let pid_end = digits(l, pid);
    // `(?P<caller>[^:\s\]]+:\d+)\] ?`
    let c = pid_end + 1;
    let colon = run(l, c, |b| b != b':' && b != b']' && !is_space(b));
    let line_end = digits(l, colon + 1);
    if pid == 21
        || pid_end == pid
        || !is(l, pid_end, b' ')
        || colon == c
        || !is(l, colon, b':')
        || line_end == colon + 1
        || !is(l, line_end, b']')
    {
        return false;
    }
    let m = line_end + 1 + usize::from(is(l, line_end + 1, b' '));
    if !rest_ok(last_newline(l), m) {
        return false;
    }
    set(s, 0, Some(0..l.len()));
    set(s, LEVEL, Some(0..1));
    set(s, TS, Some(1..21));
    set(s, PID, Some(pid..pid_end));
    set(s, CALLER, Some(c..line_end));
    set(s, MESSAGE, Some(m..l.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 6];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let g = read(
            "E0829 13:47:41.500123    1234 reflector.go:147] Failed to watch *v1.Pod: forbidden",
        );
        assert_eq!(g[LEVEL], Some("E"));
        assert_eq!(g[TS], Some("0829 13:47:41.500123"));
        assert_eq!(g[PID], Some("1234"));
        assert_eq!(g[CALLER], Some("reflector.go:147"));
        assert_eq!(g[MESSAGE], Some("Failed to watch *v1.Pod: forbidden"));
        let g = read("I0101 00:00:00.000000 1 k8s.io/client-go/main.go:9]");
        assert_eq!(g[CALLER], Some("k8s.io/client-go/main.go:9"));
        assert_eq!(g[MESSAGE], Some(""));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 6];
        for l in [
            "D0829 13:47:41.500123 1 a.go:1] m",
            "E0829 13:47:41.50012 1 a.go:1] m",
            "E0829 13:47:41.500123 1 a.go] m",
            "E0829 13:47:41.500123 1 a b.go:1] m",
            "E0829 13:47:41.500123 1 a.go:1]\nm",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }
}
