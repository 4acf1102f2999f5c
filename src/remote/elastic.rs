//! Elasticsearch and OpenSearch as a source. The query goes to the engine as one bool filter:
//! the time range on `@timestamp` and, for a trace, the ids as whole terms: `term` on id fields
//! (over their `.keyword` sub-field when the mapping makes them `text`) and `match_phrase` on
//! the free-text fields (`message`, `event.original`). Results come back sorted by
//! `@timestamp` with a tiebreaker, paged with a point in time and `search_after`
//! (Elasticsearch `/_pit`, OpenSearch `/_search/point_in_time`), falling back to scroll where
//! neither exists. Documents may be dotted (`"log.level"`) or nested ECS.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::http::{
    basic_auth, check_credential, display_url, one_line, Body, CredentialUse, Http, HttpError,
    Request, Secret,
};
use super::{Pulled, Query, RemoteRecord};
use crate::model::{Level, Timestamp};
use crate::parse::Parser;

/// How to authenticate, and where the credential came from (for error messages).
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    ApiKey {
        key: Secret,
        from: String,
    },
    Basic {
        user: String,
        password: Secret,
        from: String,
    },
}

impl Auth {
    /// Refuse a credential that cannot be sent (a pasted zero-width space, a line break...),
    /// naming where it came from.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Auth::None => Ok(()),
            Auth::ApiKey { key, from } => {
                check_credential(key.expose(), from, CredentialUse::Header)
            }
            Auth::Basic { password, from, .. } => {
                check_credential(password.expose(), from, CredentialUse::Encoded)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Paging {
    /// Elasticsearch 7.10+: `POST /<index>/_pit`.
    PitElastic,
    /// OpenSearch 2.4+: `POST /<index>/_search/point_in_time`.
    PitOpenSearch,
    Scroll,
}

/// What a field is, as the mapping says.
#[derive(Clone, Debug, PartialEq, Eq)]
enum FieldKind {
    Keyword,
    /// `text` with a `keyword` sub-field (dynamic mapping of strings).
    TextWithKeyword,
    Text,
    Other,
}

pub struct Elastic {
    http: Http,
    base: String,
    index: String,
    auth: Auth,
    paging: Option<Paging>,
    fields: Option<BTreeMap<String, FieldKind>>,
    /// `_index/_id` already returned in this run.
    seen: HashSet<String>,
    pub queries: u32,
    time_field: String,
}

const PAGE: usize = 1000;
const KEEP_ALIVE: &str = "2m";

impl Elastic {
    /// Deliver again records already pulled (each pull otherwise leaves out the records an
    /// earlier pull delivered): `requests` reads the range once for its seeds, then follows
    /// ids through the same records.
    pub fn forget_seen(&mut self) {
        self.seen.clear();
    }

    pub fn new(http: Http, url: &str, index: &str, auth: Auth) -> Elastic {
        match &auth {
            Auth::None => {}
            Auth::ApiKey { key, .. } => http.add_secret(key),
            Auth::Basic { user, password, .. } => http.add_basic_secret(user, password),
        }
        Elastic {
            http,
            base: url.trim_end_matches('/').to_string(),
            index: index.to_string(),
            auth,
            paging: None,
            fields: None,
            seen: HashSet::new(),
            queries: 0,
            time_field: "@timestamp".into(),
        }
    }

    pub fn retries(&self) -> u32 {
        self.http.retried.get()
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    fn name(&self) -> String {
        format!("elastic {} ({})", display_url(&self.base), self.index)
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        match &self.auth {
            Auth::None => vec![],
            Auth::ApiKey { key, .. } => vec![("Authorization", format!("ApiKey {}", key.expose()))],
            Auth::Basic { user, password, .. } => {
                vec![("Authorization", basic_auth(user, password))]
            }
        }
    }

    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, HttpError> {
        self.queries += 1;
        let req = Request {
            method,
            url: format!("{}{path}", self.base),
            headers: self.headers(),
            body: body.map_or(Body::Empty, Body::Json),
            idempotent: true,
        };
        let name = self.name();
        let text = self.http.send_text(&req, &mut |e, wait| {
            eprintln!(
                "casefile: {name}: {e}; retrying in {:.1} s",
                wait.as_secs_f64()
            )
        })?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| {
            HttpError::Transport(format!(
                "the answer is not JSON ({e}): {}; is the URL the Elasticsearch/OpenSearch \
                 HTTP port (usually 9200)?",
                one_line(&text, 120)
            ))
        })
    }

    fn explain(&self, what: &str, e: &HttpError) -> String {
        let from = match &self.auth {
            Auth::None => "no credentials (none set)".to_string(),
            Auth::ApiKey { from, .. } | Auth::Basic { from, .. } => from.clone(),
        };
        let fix = match e.status() {
            Some(401) => format!(
                " (not authenticated): the engine refused {from}; set CASEFILE_ELASTIC_API_KEY \
                 to an API key (the base64 `encoded` value), or CASEFILE_ELASTIC_USER and \
                 CASEFILE_ELASTIC_PASSWORD"
            ),
            Some(403) => format!(
                " (forbidden): the user may not read {}; it needs the `read` and \
                 `view_index_metadata` privileges on those indices",
                self.index
            ),
            Some(404) => format!(
                " (not found): no index matches `{}`; list them with GET /_cat/indices and \
                 fix --elastic-index",
                self.index
            ),
            Some(429 | 502 | 503 | 504) => " (busy): the engine still refused after the \
                                              retries; try again later or raise --retries"
                .into(),
            _ => String::new(),
        };
        let detail = match e {
            HttpError::Status { body, .. } => es_reason(body)
                .or_else(|| (!body.trim().is_empty()).then(|| one_line(body.trim(), 200)))
                .map(|m| format!(": {m}"))
                .unwrap_or_default(),
            HttpError::Transport(t) => format!(": {t}"),
        };
        let code = e.status().map(|c| format!(" HTTP {c}")).unwrap_or_default();
        format!("{}: {what} failed{code}{fix}{detail}", self.name())
    }

    /// Which engine this is, and how it pages.
    fn probe(&mut self) -> Result<Paging, String> {
        if let Some(p) = self.paging {
            return Ok(p);
        }
        let p = match self.call("GET", "/", None) {
            Ok(v) => {
                let ver = &v["version"];
                let dist = ver["distribution"].as_str().unwrap_or("elasticsearch");
                let (major, minor) = version(ver["number"].as_str().unwrap_or("0.0"));
                if dist == "opensearch" {
                    if (major, minor) >= (2, 4) {
                        Paging::PitOpenSearch
                    } else {
                        Paging::Scroll
                    }
                } else if (major, minor) >= (7, 10) {
                    Paging::PitElastic
                } else {
                    Paging::Scroll
                }
            }
            // Cloud deployments may deny `GET /` to a read-only key: assume a current
            // Elasticsearch and fall back if its PIT endpoint is missing.
            Err(HttpError::Status { code: 403, .. }) => Paging::PitElastic,
            Err(e) => return Err(self.explain("connecting", &e)),
        };
        self.paging = Some(p);
        Ok(p)
    }

    fn mapping(&mut self) -> Result<BTreeMap<String, FieldKind>, String> {
        if let Some(f) = &self.fields {
            return Ok(f.clone());
        }
        let path = format!("/{}/_mapping", super::http::encode(&self.index));
        let v = self
            .call("GET", &path, None)
            .map_err(|e| self.explain("reading the mapping", &e))?;
        let mut fields = BTreeMap::new();
        let Some(indices) = v.as_object() else {
            return Err(format!(
                "{}: the mapping answer is not an object",
                self.name()
            ));
        };
        if indices.is_empty() {
            return Err(format!(
                "{}: no index matches `{}`; list them with GET /_cat/indices and fix \
                 --elastic-index",
                self.name(),
                self.index
            ));
        }
        for (_, idx) in indices {
            let m = &idx["mappings"];
            if let Some(props) = m["properties"].as_object() {
                walk_properties(props, "", &mut fields);
            } else if let Some(types) = m.as_object() {
                // Elasticsearch 6 and older: one level of mapping type (`_doc`, `doc`, ...).
                for t in types.values() {
                    if let Some(props) = t["properties"].as_object() {
                        walk_properties(props, "", &mut fields);
                    }
                }
            }
        }
        self.fields = Some(fields.clone());
        Ok(fields)
    }

    /// The query: time range plus, for a trace, any id as a whole term in any id field.
    fn query(
        &self,
        q: &Query<'_>,
        fields: &BTreeMap<String, FieldKind>,
        parser: &Parser,
    ) -> Result<Value, String> {
        // Millisecond bounds (floor, ceil): every engine parses those; exact bounds are kept
        // when the records come back.
        const MS: i64 = 1_000_000;
        let since = Timestamp(q.range.since.0.div_euclid(MS) * MS);
        let until = Timestamp((q.range.until.0 + MS - 1).div_euclid(MS) * MS);
        let mut filter = vec![json!({"range": {self.time_field.as_str(): {
            "gte": since.to_rfc3339(),
            "lt": until.to_rfc3339(),
            "format": "strict_date_optional_time"
        }}})];
        if let Some(ids) = q.ids {
            let mut should = Vec::new();
            for (name, kind) in fields {
                let leaf = name.rsplit('.').next().unwrap_or(name);
                let text_field = matches!(
                    name.as_str(),
                    "message" | "event.original" | "log.original" | "error.stack_trace"
                );
                let id_field = parser.ids.is_id_key(name) || parser.ids.is_id_key(leaf);
                match kind {
                    FieldKind::Keyword if id_field => {
                        should.push(json!({"terms": {name.as_str(): ids}}));
                    }
                    FieldKind::TextWithKeyword if id_field => {
                        should.push(json!({"terms": {format!("{name}.keyword"): ids}}));
                    }
                    FieldKind::Text | FieldKind::TextWithKeyword if text_field || id_field => {
                        for id in ids {
                            should.push(json!({"match_phrase": {name.as_str(): id}}));
                            // The standard analyzer keeps `a,b` between digits as one token
                            // (`[orders,8dc9...,8d40...]`): also match a token that starts with
                            // the id (a prefix query, cheap on the term index); the whole-token
                            // check is made on the records that come back.
                            if id.len() >= 6 {
                                should.push(json!({"prefix": {name.as_str(): {
                                    "value": id.to_lowercase()
                                }}}));
                            }
                        }
                    }
                    FieldKind::Keyword if text_field => {
                        // A free-text field mapped as keyword: the id somewhere in it.
                        for id in ids {
                            should.push(json!({"wildcard": {name.as_str(): {
                                "value": format!("*{}*", escape_wildcard(id))
                            }}}));
                        }
                    }
                    _ => {}
                }
            }
            if should.is_empty() {
                return Err(format!(
                    "{}: the mapping of `{}` has no `message`, `event.original` or id field \
                     to search; index the log text as `message` (ECS)",
                    self.name(),
                    self.index
                ));
            }
            filter.push(json!({"bool": {"should": should, "minimum_should_match": 1}}));
        }
        Ok(json!({"bool": {"filter": filter}}))
    }

    pub fn pull(
        &mut self,
        q: &Query<'_>,
        parser: &Parser,
        sink: &mut dyn FnMut(RemoteRecord),
    ) -> Result<Pulled, String> {
        if q.ids.is_some_and(|i| i.is_empty()) {
            return Ok(Pulled { capped: false });
        }
        let paging = self.probe()?;
        let fields = self.mapping()?;
        if !fields.contains_key(&self.time_field) {
            return Err(format!(
                "{}: no `{}` field in the mapping of `{}`; casefile searches by time on it \
                 (ECS). Check the index pattern",
                self.name(),
                self.time_field,
                self.index
            ));
        }
        let query = self.query(q, &fields, parser)?;
        let mut got = 0usize;
        let mut emit = |this: &mut Elastic, hits: &[Value]| -> bool {
            for h in hits {
                let key = format!(
                    "{}/{}",
                    h["_index"].as_str().unwrap_or(""),
                    h["_id"].as_str().unwrap_or("")
                );
                if !this.seen.insert(key) {
                    continue;
                }
                got += 1;
                if got > q.limit {
                    return true;
                }
                sink(record(h, &this.time_field));
            }
            false
        };
        match paging {
            Paging::PitElastic | Paging::PitOpenSearch => {
                match self.pull_pit(paging, &query, &mut emit) {
                    Err(PitError::Unsupported) => {
                        self.paging = Some(Paging::Scroll);
                        self.pull_scroll(&query, &mut emit)
                    }
                    Err(PitError::Failed(e)) => Err(e),
                    Ok(p) => Ok(p),
                }
            }
            Paging::Scroll => self.pull_scroll(&query, &mut emit),
        }
    }

    fn pull_pit(
        &mut self,
        paging: Paging,
        query: &Value,
        emit: &mut dyn FnMut(&mut Elastic, &[Value]) -> bool,
    ) -> Result<Pulled, PitError> {
        let idx = super::http::encode(&self.index);
        let open = match paging {
            Paging::PitElastic => format!("/{idx}/_pit?keep_alive={KEEP_ALIVE}"),
            _ => format!("/{idx}/_search/point_in_time?keep_alive={KEEP_ALIVE}"),
        };
        let v = match self.call("POST", &open, None) {
            Ok(v) => v,
            Err(HttpError::Status {
                code: 400 | 404 | 405,
                ..
            }) => return Err(PitError::Unsupported),
            Err(e) => {
                return Err(PitError::Failed(
                    self.explain("opening a point in time", &e),
                ))
            }
        };
        let mut pit = match v["id"].as_str().or(v["pit_id"].as_str()) {
            Some(id) => id.to_string(),
            None => return Err(PitError::Unsupported),
        };
        let mut after: Option<Value> = None;
        let mut last_page: Option<Vec<String>> = None;
        let mut pages = 0u32;
        let result = loop {
            // `_shard_doc` is the documented tiebreaker; OpenSearch also gets `_index`, since
            // over several indices its `_shard_doc` values can repeat and `search_after` would
            // skip ties at a page boundary.
            let sort = if paging == Paging::PitOpenSearch {
                json!([{self.time_field.as_str(): {"order": "asc"}}, {"_index": "asc"}, {"_shard_doc": "asc"}])
            } else {
                json!([{self.time_field.as_str(): {"order": "asc"}}, {"_shard_doc": "asc"}])
            };
            let mut body = json!({
                "size": PAGE,
                "query": query,
                "sort": sort,
                "pit": {"id": pit, "keep_alive": KEEP_ALIVE},
                "track_total_hits": false,
            });
            if let Some(a) = &after {
                body["search_after"] = a.clone();
            }
            let v = match self.call("POST", "/_search", Some(&body)) {
                Ok(v) => v,
                Err(e) => break Err(PitError::Failed(self.explain("searching", &e))),
            };
            if let Some(why) = partial(&v) {
                break Err(PitError::Failed(format!(
                    "{}: incomplete: {why}",
                    self.name()
                )));
            }
            if let Some(p) = v["pit_id"].as_str() {
                pit = p.to_string();
            }
            let hits = v["hits"]["hits"].as_array().cloned().unwrap_or_default();
            let page = page_key(&hits);
            if !hits.is_empty() && last_page.as_ref() == Some(&page) {
                break Err(PitError::Failed(self.same_page(pages, "search_after")));
            }
            pages += 1;
            if emit(self, &hits) {
                break Ok(Pulled { capped: true });
            }
            if hits.len() < PAGE {
                break Ok(Pulled { capped: false });
            }
            let next = hits.last().map(|h| h["sort"].clone());
            if next.is_none() || next == after {
                break Err(PitError::Failed(self.same_page(pages, "search_after")));
            }
            after = next;
            last_page = Some(page);
        };
        let close = match paging {
            Paging::PitElastic => ("/_pit", json!({"id": pit})),
            _ => ("/_search/point_in_time", json!({"pit_id": [pit]})),
        };
        let _ = self.call("DELETE", close.0, Some(&close.1));
        result
    }

    fn pull_scroll(
        &mut self,
        query: &Value,
        emit: &mut dyn FnMut(&mut Elastic, &[Value]) -> bool,
    ) -> Result<Pulled, String> {
        let idx = super::http::encode(&self.index);
        let body = json!({
            "size": PAGE,
            "query": query,
            "sort": ["_doc"],
        });
        let mut v = self
            .call(
                "POST",
                &format!("/{idx}/_search?scroll={KEEP_ALIVE}"),
                Some(&body),
            )
            .map_err(|e| self.explain("searching (scroll)", &e))?;
        let mut scroll_id: Option<String> = None;
        let mut last_page: Option<Vec<String>> = None;
        let mut pages = 0u32;
        let result = loop {
            if let Some(why) = partial(&v) {
                break Err(format!("{}: incomplete: {why}", self.name()));
            }
            if let Some(s) = v["_scroll_id"].as_str() {
                scroll_id = Some(s.to_string());
            }
            let hits = v["hits"]["hits"].as_array().cloned().unwrap_or_default();
            let page = page_key(&hits);
            if !hits.is_empty() && last_page.as_ref() == Some(&page) {
                break Err(self.same_page(pages, "scroll"));
            }
            pages += 1;
            last_page = Some(page);
            if emit(self, &hits) {
                break Ok(Pulled { capped: true });
            }
            if hits.is_empty() {
                break Ok(Pulled { capped: false });
            }
            let Some(id) = &scroll_id else {
                break Ok(Pulled { capped: false });
            };
            let next = json!({"scroll": KEEP_ALIVE, "scroll_id": id});
            v = match self.call("POST", "/_search/scroll", Some(&next)) {
                Ok(v) => v,
                Err(e) => break Err(self.explain("scrolling", &e)),
            };
        };
        if let Some(id) = scroll_id {
            let _ = self.call(
                "DELETE",
                "/_search/scroll",
                Some(&json!({"scroll_id": [id]})),
            );
        }
        result
    }

    /// A server that answers the next page with the page it just sent would be asked forever.
    fn same_page(&self, pages: u32, how: &str) -> String {
        format!(
            "{}: incomplete: the engine answered the same page again (same hits for the next \
             {how} request), so paging would never end; casefile stopped after {pages} page(s) \
             and keeps their records. A proxy or cache in front of the engine may be replaying \
             answers",
            self.name()
        )
    }

    /// Nothing to release between pulls: each pull closes its own point in time or scroll.
    pub fn close(&mut self) {}
}

/// The hits of a page, by `_index/_id`: two equal keys are the same page.
fn page_key(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            format!(
                "{}/{}",
                h["_index"].as_str().unwrap_or(""),
                h["_id"].as_str().unwrap_or("")
            )
        })
        .collect()
}

enum PitError {
    Unsupported,
    Failed(String),
}

/// Why a search answer is partial: timed out, or some shards failed.
fn partial(v: &Value) -> Option<String> {
    if v["timed_out"].as_bool() == Some(true) {
        return Some("the search timed out on the engine; narrow --since/--until".into());
    }
    let failed = v["_shards"]["failed"].as_u64().unwrap_or(0);
    if failed > 0 {
        let total = v["_shards"]["total"].as_u64().unwrap_or(0);
        let reason = v["_shards"]["failures"][0]["reason"]["reason"]
            .as_str()
            .unwrap_or("");
        return Some(format!(
            "{failed} of {total} shards failed ({}); the engine's results are partial",
            one_line(reason, 200)
        ));
    }
    None
}

/// `error.reason` (and its root cause) of an Elasticsearch/OpenSearch error body.
pub fn es_reason(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let e = &v["error"];
    let reason = e["reason"]
        .as_str()
        .or(e["root_cause"][0]["reason"].as_str())
        .or(e.as_str())?;
    let kind = e["type"].as_str().unwrap_or("");
    Some(one_line(
        &if kind.is_empty() {
            reason.to_string()
        } else {
            format!("{kind}: {reason}")
        },
        300,
    ))
}

fn version(s: &str) -> (u32, u32) {
    let mut it = s.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn walk_properties(
    props: &serde_json::Map<String, Value>,
    prefix: &str,
    out: &mut BTreeMap<String, FieldKind>,
) {
    for (k, v) in props {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if let Some(sub) = v["properties"].as_object() {
            walk_properties(sub, &name, out);
            continue;
        }
        let kind = match v["type"].as_str() {
            Some("keyword" | "constant_keyword" | "wildcard") => FieldKind::Keyword,
            Some("text" | "match_only_text") => {
                if v["fields"]["keyword"]["type"].as_str() == Some("keyword") {
                    FieldKind::TextWithKeyword
                } else {
                    FieldKind::Text
                }
            }
            _ => FieldKind::Other,
        };
        out.insert(name, kind);
    }
}

fn escape_wildcard(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A field of `_source`, whether written dotted (`"log.level"`), nested, or mixed.
pub fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let obj = v.as_object()?;
    if let Some(x) = obj.get(path) {
        return Some(x);
    }
    for (i, _) in path.match_indices('.') {
        if let Some(child) = obj.get(&path[..i]) {
            if let Some(x) = lookup(child, &path[i + 1..]) {
                return Some(x);
            }
        }
    }
    None
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.first().and_then(|x| x.as_str()).map(str::to_string),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `@timestamp`: RFC 3339 text, or epoch milliseconds.
fn es_time(v: Option<&Value>) -> Option<Timestamp> {
    match v? {
        Value::Number(n) => n
            .as_i64()
            .and_then(|ms| ms.checked_mul(1_000_000))
            .map(Timestamp),
        Value::String(s) => crate::parse::TimeContext::default()
            .parse(s)
            .or_else(|| s.parse::<i64>().ok().map(|ms| Timestamp(ms * 1_000_000))),
        _ => None,
    }
}

/// One search hit (`_index`, `_id`, `_source`) as a record.
pub fn record(hit: &Value, time_field: &str) -> RemoteRecord {
    let src = &hit["_source"];
    let raw = text_of(lookup(src, "event.original"))
        .or_else(|| text_of(lookup(src, "message")))
        .unwrap_or_else(|| src.to_string());
    let mut fields = Vec::new();
    if let Some(obj) = src.as_object() {
        for (k, v) in obj {
            if matches!(k.as_str(), "message" | "event.original") {
                continue;
            }
            super::json_leaves(v, k, &mut fields);
        }
    }
    fields.retain(|(k, _)| k != "event.original");
    RemoteRecord {
        source: format!(
            "elastic://{}/{}",
            hit["_index"].as_str().unwrap_or("-"),
            hit["_id"].as_str().unwrap_or("-")
        ),
        raw,
        time: es_time(lookup(src, time_field)),
        host: text_of(lookup(src, "host.name"))
            .or_else(|| text_of(lookup(src, "host.hostname")))
            .or_else(|| lookup(src, "host").and_then(|h| h.as_str().map(str::to_string))),
        service: text_of(lookup(src, "service.name")),
        source_path: text_of(lookup(src, "log.file.path")),
        level: text_of(lookup(src, "log.level")).and_then(|l| Level::parse(&l)),
        fields,
    }
}

/// `--elastic-cloud-id NAME:BASE64` -> the deployment's Elasticsearch URL: the base64 part is
/// `host[:port]$es_uuid$kibana_uuid`, and the URL is `https://<es_uuid>.<host>:<port|443>`.
pub fn cloud_id_url(id: &str) -> Result<String, String> {
    use base64::Engine;
    let teach = "--elastic-cloud-id: not a Cloud ID; copy it from the deployment's page in \
                 Elastic Cloud (it looks like `name:ZXUtd2VzdC0x...`)";
    let (_, b64) = id.split_once(':').ok_or(teach)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64.trim()))
        .map_err(|_| teach.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| teach.to_string())?;
    let mut parts = text.split('$');
    let host = parts.next().filter(|h| !h.is_empty()).ok_or(teach)?;
    let es = parts.next().filter(|h| !h.is_empty()).ok_or(teach)?;
    let (host, port) = match host.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, p),
        _ => (host, "443"),
    };
    Ok(format!("https://{es}.{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_nested_and_mixed_fields() {
        let v = json!({"log.level": "ERROR", "service": {"name": "orders"},
                       "log": {"file.path": "/var/log/x.log"}});
        assert_eq!(lookup(&v, "log.level").unwrap(), "ERROR");
        assert_eq!(lookup(&v, "service.name").unwrap(), "orders");
        assert_eq!(lookup(&v, "log.file.path").unwrap(), "/var/log/x.log");
        assert!(lookup(&v, "host.name").is_none());
    }

    #[test]
    fn hit_becomes_record() {
        let h = json!({"_index": "logs-a", "_id": "7", "_source": {
            "@timestamp": "2026-11-28T10:00:00.5Z",
            "event": {"original": "raw text"}, "message": "msg",
            "service.name": "orders", "host": {"name": "n1"}, "trace_id": "abc"}});
        let r = record(&h, "@timestamp");
        assert_eq!(r.source, "elastic://logs-a/7");
        assert_eq!(r.raw, "raw text");
        assert_eq!(r.service.as_deref(), Some("orders"));
        assert_eq!(r.host.as_deref(), Some("n1"));
        assert!(r.time.is_some());
        assert!(r.fields.contains(&("trace_id".into(), "abc".into())));
        let h = json!({"_index": "i", "_id": "1", "_source": {"@timestamp": 1764324000000i64, "message": "only"}});
        let r = record(&h, "@timestamp");
        assert_eq!(r.raw, "only");
        assert_eq!(r.time, Some(Timestamp::from_secs(1764324000)));
    }

    #[test]
    fn mapping_kinds() {
        let m = json!({"@timestamp": {"type": "date"},
            "trace_id": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
            "trace": {"properties": {"id": {"type": "keyword"}}},
            "message": {"type": "text"}});
        let mut out = BTreeMap::new();
        walk_properties(m.as_object().unwrap(), "", &mut out);
        assert_eq!(out["trace_id"], FieldKind::TextWithKeyword);
        assert_eq!(out["trace.id"], FieldKind::Keyword);
        assert_eq!(out["message"], FieldKind::Text);
        assert_eq!(out["@timestamp"], FieldKind::Other);
    }

    #[test]
    fn cloud_ids() {
        use base64::Engine;
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            cloud_id_url(&format!("prod:{}", enc("eu-west-1.aws.found.io$abc$def"))).unwrap(),
            "https://abc.eu-west-1.aws.found.io:443"
        );
        assert_eq!(
            cloud_id_url(&format!("x:{}", enc("host.example:9243$es1$kb"))).unwrap(),
            "https://es1.host.example:9243"
        );
        assert!(cloud_id_url("nocolon").is_err());
        assert!(cloud_id_url("x:!!!").is_err());
    }

    #[test]
    fn error_reasons() {
        let b = r#"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [x]"}],"type":"index_not_found_exception","reason":"no such index [x]"},"status":404}"#;
        assert_eq!(
            es_reason(b).as_deref(),
            Some("index_not_found_exception: no such index [x]")
        );
        assert_eq!(version("8.15.1"), (8, 15));
        assert_eq!(version("2.11.0-SNAPSHOT"), (2, 11));
    }
}
