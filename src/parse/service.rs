//! Service names from file paths: Kubernetes node paths (container, pod workload), rotated and
//! numbered file names, generic names that defer to their directory.

use std::path::Path;

/// The service a file's events belong to when the record does not say.
///
/// - Kubernetes node paths name the container and the pod:
///   `/var/log/containers/<pod>_<namespace>_<container>-<64 hex>.log` and
///   `/var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log` (`1.log`, rotated
///   `0.log.20231010-120000`, `.gz`). The service is the container name, unless it is generic
///   (`app`, `main`, `server`, ...: every pod has one), then the pod's workload ([`workload_of`]:
///   `checkout-7d9f8b6c5-x2x4k` -> `checkout`).
/// - Other paths: the file name without extensions, rotation, number and date suffixes, and
///   without a pod's generated suffixes (`notifier-7d9f8b-x2x.log` -> `notifier`,
///   `worker-0.log` -> `worker`), or the directory name when the file name is generic
///   (`edge/access.log` -> `edge`). A name whose last part was not generated stays whole
///   (`payment-v2.log` -> `payment-v2`).
pub fn service_from_path(display: &str) -> Option<String> {
    if display == "-" {
        return None;
    }
    let p = Path::new(display);
    let name = p.file_name()?.to_string_lossy().into_owned();
    let stem = strip_extensions(&name);
    if let Some(s) = kubernetes_service(p, stem) {
        return Some(s);
    }
    let base = file_workload(stem);
    if GENERIC.contains(&base.to_ascii_lowercase().as_str()) {
        let parent = p
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !parent.is_empty() && parent != "." && parent != ".." {
            return Some(parent);
        }
    }
    (!base.is_empty()).then_some(base)
}

/// File names (and container names) that say nothing about the service.
const GENERIC: &[&str] = &[
    "access",
    "error",
    "app",
    "application",
    "server",
    "output",
    "log",
    "logs",
    "current",
    "stdout",
    "stderr",
    "messages",
    "syslog",
    "console",
    "main",
    "service",
    "container",
    "default",
    "web",
    "0",
    "",
];

/// `name.log.1.gz` -> `name`: extensions and rotation suffixes (`.log`, `.1`, `.gz`, `.zst`,
/// `.xz`, `.bz2`, `.jsonl`, `.2026-11-28`, `.20231010-120000`) off the end.
fn strip_extensions(name: &str) -> &str {
    let mut stem = name;
    while let Some(i) = stem.rfind('.').filter(|&i| i > 0) {
        let ext = &stem[i + 1..];
        let strip = ext.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            || matches!(
                ext,
                "log" | "gz" | "zst" | "zstd" | "json" | "jsonl" | "ndjson" | "txt" | "out" | "err"
            )
            || matches!(ext, "xz" | "bz2");
        if !strip {
            break;
        }
        stem = &stem[..i];
    }
    stem
}

/// The service of a file under a Kubernetes node's log directories, recognised by the shape of
/// its name (a copied-out tree keeps it), not by the `/var/log` prefix.
fn kubernetes_service(p: &Path, stem: &str) -> Option<String> {
    // /var/log/containers/<pod>_<namespace>_<container>-<64 hex container id>.log
    let parts: Vec<&str> = stem.split('_').collect();
    if let [pod, ns, last] = parts[..] {
        if let Some((container, id)) = last.rsplit_once('-') {
            if id.len() == 64
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !pod.is_empty()
                && !ns.is_empty()
                && !container.is_empty()
            {
                return Some(container_or_workload(container, pod));
            }
        }
    }
    // /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let container_dir = p.parent()?;
    let container = container_dir.file_name()?.to_str()?;
    let pod_dir = container_dir.parent()?.file_name()?.to_str()?;
    let parts: Vec<&str> = pod_dir.split('_').collect();
    let [ns, pod, uid] = parts[..] else {
        return None;
    };
    // A pod's uid is a UUID; a static pod's is the 32-hex hash of its manifest.
    let uid_ok = (uid.len() == 36
        && uid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && uid.bytes().filter(|&b| b == b'-').count() == 4)
        || (uid.len() == 32 && uid.bytes().all(|b| b.is_ascii_hexdigit()));
    (uid_ok && !ns.is_empty() && !pod.is_empty() && !container.is_empty())
        .then(|| container_or_workload(container, pod))
}

/// The container's name, unless every pod could have one by that name (`app`, `server`).
fn container_or_workload(container: &str, pod: &str) -> String {
    if GENERIC.contains(&container.to_ascii_lowercase().as_str()) {
        workload_of(pod).to_string()
    } else {
        container.to_string()
    }
}

/// The characters Kubernetes draws generated name parts from (`k8s.io/apimachinery`'s
/// `rand.String` and `SafeEncodeString`): no vowels, no `0`, `1`, `3`, so no words.
const K8S_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn k8s_chars(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| K8S_ALPHABET.contains(&b))
}

/// A pod's random suffix: 5 characters of the alphabet.
fn pod_suffix(s: &str) -> bool {
    s.len() == 5 && k8s_chars(s)
}

/// A ReplicaSet's pod-template-hash: 6 to 10 characters of the alphabet.
fn template_hash(s: &str) -> bool {
    (6..=10).contains(&s.len()) && k8s_chars(s)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A pod name reduced to its workload by the shape of the parts Kubernetes generates:
///
/// | pod of        | shape                                  | example                              |
/// |---------------|----------------------------------------|--------------------------------------|
/// | CronJob       | `<name>-<8-digit schedule>-<5>`        | `report-28745460-x7k2p` -> `report`  |
/// | Deployment    | `<name>-<hash, 6-10>-<5>`              | `checkout-7d9f8b6c5-x2x4k` -> `checkout` |
/// | Indexed Job   | `<name>-<index, 1-3 digits>-<5>`       | `train-2-bq7zl` -> `train`           |
/// | StatefulSet   | `<name>-<ordinal>`                     | `kafka-2` -> `kafka`                 |
/// | DaemonSet/Job | `<name>-<5>`                           | `fluent-bit-x2k9p` -> `fluent-bit`   |
///
/// where `<5>` and the hash are drawn from [`K8S_ALPHABET`]. Any other name stays whole
/// (`payment-v2`, `redis-6379-exporter`).
pub fn workload_of(pod: &str) -> &str {
    let parts: Vec<&str> = pod.split('-').collect();
    let n = parts.len();
    let keep = |k: usize| -> &str {
        let len: usize = parts[..k].iter().map(|p| p.len()).sum::<usize>() + k - 1;
        &pod[..len]
    };
    if n >= 3 && pod_suffix(parts[n - 1]) {
        let mid = parts[n - 2];
        let cron = mid.len() == 8 && all_digits(mid);
        let index = mid.len() <= 3 && all_digits(mid);
        if cron || index || template_hash(mid) {
            return keep(n - 2);
        }
    }
    if n >= 2 && (all_digits(parts[n - 1]) || pod_suffix(parts[n - 1])) {
        return keep(n - 1);
    }
    pod
}

/// A file name's stem without the parts a program or Kubernetes generated: trailing numbers
/// and dates (`worker-0`, `api-2026-11-28`, `app_3`), then a pod's generated suffixes. Parts
/// are joined with `-`.
///
/// A file name is weaker evidence than a Kubernetes path: a lone 5-character suffix counts
/// only with a digit in it (`fluentd-x2k9p` -> `fluentd`, but `db-pgsql` stays), and after a
/// pod-template-hash (with a digit) the random suffix may be shortened to 3-5 characters, as
/// people do when they name a saved `kubectl logs` output (`notifier-7d9f8b-x2x`).
fn file_workload(stem: &str) -> String {
    let mut parts: Vec<&str> = stem.split(['-', '_']).collect();
    let numeric = |s: &str| {
        s.is_empty()
            || (s.as_bytes()[0].is_ascii_digit()
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'T' || b == b'Z'))
    };
    while parts.len() > 1 && parts.last().is_some_and(|s| numeric(s)) {
        parts.pop();
    }
    let has_digit = |s: &str| s.bytes().any(|b| b.is_ascii_digit());
    let n = parts.len();
    if n >= 3 {
        let (hash, suffix) = (parts[n - 2], parts[n - 1]);
        let suffix_ok = (3..=5).contains(&suffix.len()) && k8s_chars(suffix);
        let cron = hash.len() == 8 && all_digits(hash);
        if suffix_ok && (cron || (template_hash(hash) && has_digit(hash))) {
            parts.truncate(n - 2);
        } else if pod_suffix(suffix) && has_digit(suffix) {
            parts.truncate(n - 1);
        }
    } else if n == 2 && pod_suffix(parts[1]) && has_digit(parts[1]) {
        parts.truncate(1);
    }
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_from_paths() {
        let cases = [
            ("logs/k8s/notifier-7d9f8b-x2x.log", "notifier"),
            ("logs/edge/access.log", "edge"),
            ("logs/edge/access.log.1.gz", "edge"),
            ("logs/worker/worker-0.log", "worker"),
            ("logs/orders/orders.log", "orders"),
            ("logs/gateway/gateway.jsonl", "gateway"),
            ("/var/log/payments.log.2026-11-28", "payments"),
            ("app.log", "app"),
            // the shape rule, not "a part with a digit": these names were not generated
            ("logs/payment-v2.log", "payment-v2"),
            ("logs/redis-6379-exporter.log", "redis-6379-exporter"),
            ("logs/db-pgsql.log", "db-pgsql"),
            ("logs/api_2026-11-28.log", "api"),
            ("logs/app_3.log", "logs"),
            // saved `kubectl logs` outputs
            ("out/checkout-7d9f8b6c5-x2x4k.log", "checkout"),
            ("out/fluentd-x2k9p.log", "fluentd"),
            ("out/report-28745460-x7k2p.log", "report"),
        ];
        for (p, want) in cases {
            assert_eq!(service_from_path(p).as_deref(), Some(want), "{p}");
        }
        assert_eq!(service_from_path("-"), None);
    }

    const CID: &str = "4f1a0c9de2b7a3316b5d8e0f2c9a7b6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a";

    #[test]
    fn services_from_kubernetes_container_paths() {
        let cases = [
            // container named for what it runs: the container
            ("checkout-7d9f8b6c5-x2x4k_shop_checkout", "checkout"),
            ("checkout-7d9f8b6c5-x2x4k_shop_istio-proxy", "istio-proxy"),
            ("coredns-5d78c9869d-8kqzm_kube-system_coredns", "coredns"),
            ("kafka-0_data_kafka", "kafka"),
            // generic container name: the pod's workload
            ("payments-6b8f7c4d95-qwz7t_shop_app", "payments"),
            ("orders-api-84c5f9bd6b-m2zjx_shop_server", "orders-api"),
            ("ledger-2_finance_main", "ledger"),
            ("node-exporter-x2k9p_monitoring_app", "node-exporter"),
            ("nightly-report-28745460-x7k2p_batch_main", "nightly-report"),
            ("train-2-bq7zl_ml_main", "train"),
            ("payment-v2_shop_app", "payment-v2"),
            ("redis-6379-exporter_cache_server", "redis-6379-exporter"),
            ("mypod_default_app", "mypod"),
        ];
        for (prefix, want) in cases {
            for dir in ["/var/log/containers/", "", "bundle/node-3/"] {
                let p = format!("{dir}{prefix}-{CID}.log");
                assert_eq!(service_from_path(&p).as_deref(), Some(want), "{p}");
            }
        }
    }

    #[test]
    fn services_from_kubernetes_pod_paths() {
        let uid = "7b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
        let cases = [
            (
                format!("shop_checkout-7d9f8b6c5-x2x4k_{uid}/checkout/0.log"),
                "checkout",
            ),
            (
                format!("shop_checkout-7d9f8b6c5-x2x4k_{uid}/checkout/1.log"),
                "checkout",
            ),
            (
                format!("shop_checkout-7d9f8b6c5-x2x4k_{uid}/checkout/0.log.20231010-120000"),
                "checkout",
            ),
            (
                format!("shop_checkout-7d9f8b6c5-x2x4k_{uid}/checkout/0.log.20231010-120000.gz"),
                "checkout",
            ),
            (
                format!("shop_payments-6b8f7c4d95-qwz7t_{uid}/server/0.log"),
                "payments",
            ),
            (
                format!("shop_payments-6b8f7c4d95-qwz7t_{uid}/app/2.log"),
                "payments",
            ),
            (format!("data_kafka-1_{uid}/main/0.log"), "kafka"),
            (
                format!("logging_fluent-bit-bq7zl_{uid}/fluent-bit/0.log"),
                "fluent-bit",
            ),
            (
                format!("logging_fluent-bit-bq7zl_{uid}/app/0.log"),
                "fluent-bit",
            ),
            (format!("shop_payment-v2_{uid}/app/0.log"), "payment-v2"),
            // a static pod: the uid is the manifest's hash
            (
                "kube-system_etcd-cp-1_0d4e3f5a6b7c8d9e0f1a2b3c4d5e6f7a/etcd/0.log".to_string(),
                "etcd",
            ),
        ];
        for (tail, want) in cases {
            let p = format!("/var/log/pods/{tail}");
            assert_eq!(service_from_path(&p).as_deref(), Some(want), "{p}");
        }
    }

    #[test]
    fn workloads_from_pod_names() {
        let cases = [
            // Deployment: <name>-<pod-template-hash 6-10>-<5>
            ("checkout-7d9f8b6c5-x2x4k", "checkout"),
            ("coredns-5d78c9869d-8kqzm", "coredns"),
            (
                "ingress-nginx-controller-6f5bd4f6c9-9p7wz",
                "ingress-nginx-controller",
            ),
            ("web-bcdfgh-zzzzz", "web"),
            ("argocd-repo-server-5b6c8b7f4d-lq2vn", "argocd-repo-server"),
            // StatefulSet: <name>-<ordinal>
            ("kafka-0", "kafka"),
            ("postgres-primary-12", "postgres-primary"),
            // DaemonSet / Job: <name>-<5>
            ("fluent-bit-bq7zl", "fluent-bit"),
            ("kube-proxy-x2k9p", "kube-proxy"),
            ("db-migrate-hj4lm", "db-migrate"),
            // CronJob: <name>-<8-digit schedule>-<5>
            ("nightly-report-28745460-x7k2p", "nightly-report"),
            // Indexed Job: <name>-<index>-<5>
            ("train-2-bq7zl", "train"),
            // not generated: whole
            ("payment-v2", "payment-v2"),
            ("redis-6379-exporter", "redis-6379-exporter"),
            ("etcd-cp-1", "etcd-cp"),
            ("mypod", "mypod"),
            ("api-gateway", "api-gateway"),
            ("checkout-7d9f8b6c5-abcde", "checkout-7d9f8b6c5-abcde"),
            ("checkout-aeiou1-x2x4k", "checkout-aeiou1"),
            ("cache-bcdfg", "cache"),
        ];
        for (pod, want) in cases {
            assert_eq!(workload_of(pod), want, "{pod}");
        }
    }
}
