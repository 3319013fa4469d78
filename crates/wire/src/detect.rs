//! Which service, protocol and operation a request is, all on one port:
//! `X-Amz-Target` plus `Content-Type` for AWS JSON and CBOR; otherwise AWS Query, with
//! `Action` in the form body or the URL query. For Query the service comes from the SigV4
//! credential scope, then the path (`/<account>/<queue>` is SQS), then the services'
//! operation tables. A request that cannot be routed still gets a best guess of its service
//! and protocol, so its error is shaped the way its client expects.

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};

use crate::{ApiRequest, Credential, Payload, Protocol, QueryError, QueryNode, Service};

/// The operations of every service, as each service's API declares them.
#[derive(Debug, Clone, Copy)]
pub struct Operations {
    pub sqs: &'static [&'static str],
    pub sns: &'static [&'static str],
    pub kinesis: &'static [&'static str],
}

impl Operations {
    pub fn of(&self, service: Service) -> &'static [&'static str] {
        match service {
            Service::Sqs => self.sqs,
            Service::Sns => self.sns,
            Service::Kinesis => self.kinesis,
        }
    }

    fn has(&self, service: Service, operation: &str) -> bool {
        self.of(service).contains(&operation)
    }
}

/// A request that cannot be routed to an operation, with the service and protocol its
/// error answer takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectError {
    pub service: Service,
    pub protocol: Protocol,
    pub kind: DetectErrorKind,
}

/// Why a request cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectErrorKind {
    /// Query request without `Action`.
    MissingAction,
    /// A Query action no service has.
    UnknownAction(String),
    /// An `X-Amz-Target` naming no service Sluice has.
    UnknownTarget(String),
    /// An operation the (known) service does not have.
    UnknownOperation(String),
    /// A form body or query string that does not decode.
    MalformedQuery(QueryError),
    /// AWS Query sent to a service that speaks only JSON and CBOR (Kinesis).
    QueryNotSupported,
}

/// The service and protocol a request most likely speaks, from its headers and path alone:
/// what errors raised before routing (body too large, unreadable body) are shaped by.
pub fn guess(headers: &HeaderMap, uri: &Uri) -> (Service, Protocol) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let by_content = header("content-type").and_then(Protocol::from_content_type);
    if let Some(target) = header("x-amz-target") {
        let service = target
            .split_once('.')
            .and_then(|(prefix, _)| Service::from_target_prefix(prefix))
            .or_else(|| signed_service(headers))
            .unwrap_or(Service::Sqs);
        return (service, by_content.unwrap_or(service.default_json()));
    }
    let service = signed_service(headers)
        .or_else(|| queue_path(uri.path()).map(|_| Service::Sqs))
        .unwrap_or(Service::Sqs);
    let protocol = match by_content {
        Some(json) => json,
        None if service.speaks_query() => Protocol::Query,
        None => service.default_json(),
    };
    (service, protocol)
}

fn signed_service(headers: &HeaderMap) -> Option<Service> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(Credential::from_authorization)
        .and_then(|c| Service::from_signing_name(&c.service))
}

/// Routes a request. `body` is the whole (already size-bounded) request body.
pub fn detect(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
    operations: &Operations,
) -> Result<ApiRequest, DetectError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut credential = header("authorization").and_then(Credential::from_authorization);

    if let Some(target) = header("x-amz-target") {
        let (service, protocol) = guess(headers, uri);
        let fail = |kind| DetectError {
            service,
            protocol,
            kind,
        };
        let (prefix, operation) = target
            .split_once('.')
            .ok_or_else(|| fail(DetectErrorKind::UnknownTarget(target.to_owned())))?;
        if Service::from_target_prefix(prefix) != Some(service) {
            return Err(fail(DetectErrorKind::UnknownTarget(target.to_owned())));
        }
        if !operations.has(service, operation) {
            return Err(fail(DetectErrorKind::UnknownOperation(
                operation.to_owned(),
            )));
        }
        return Ok(ApiRequest {
            service,
            protocol,
            operation: operation.to_owned(),
            payload: Payload::Document(body),
            credential,
        });
    }

    // Only an error needs the guess (it reads the Authorization header again).
    let guessed = || guess(headers, uri).0;
    let fail = |service: Service, kind| DetectError {
        service,
        protocol: if service.speaks_query() {
            Protocol::Query
        } else {
            service.default_json()
        },
        kind,
    };
    let mut pairs = Vec::new();
    if let Some(query) = uri.query() {
        QueryNode::parse_form(query.as_bytes(), &mut pairs)
            .map_err(|e| fail(guessed(), DetectErrorKind::MalformedQuery(e)))?;
    }
    let form_body = header("content-type")
        .map(|ct| ct.starts_with("application/x-www-form-urlencoded"))
        .unwrap_or(method == Method::POST);
    if form_body && !body.is_empty() {
        QueryNode::parse_form(&body, &mut pairs)
            .map_err(|e| fail(guessed(), DetectErrorKind::MalformedQuery(e)))?;
    }
    if credential.is_none() {
        credential = pairs
            .iter()
            .find(|(k, _)| k == "X-Amz-Credential")
            .and_then(|(_, v)| Credential::from_scope(v));
    }
    let tree = QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| fail(guessed(), DetectErrorKind::MalformedQuery(e)))?;
    let Some(action) = tree.get("Action") else {
        return Err(fail(guessed(), DetectErrorKind::MissingAction));
    };
    let action = action.to_owned();

    let claimed = credential
        .as_ref()
        .and_then(|c| Service::from_signing_name(&c.service))
        .or_else(|| queue_path(uri.path()).map(|_| Service::Sqs));
    let service = match claimed {
        Some(service) if !service.speaks_query() => {
            return Err(fail(service, DetectErrorKind::QueryNotSupported))
        }
        Some(service) if !operations.has(service, &action) => {
            return Err(fail(service, DetectErrorKind::UnknownOperation(action)))
        }
        Some(service) => service,
        None => [Service::Sqs, Service::Sns]
            .into_iter()
            .find(|s| operations.has(*s, &action))
            .ok_or_else(|| fail(guessed(), DetectErrorKind::UnknownAction(action.clone())))?,
    };
    Ok(ApiRequest {
        service,
        protocol: Protocol::Query,
        operation: action,
        payload: Payload::Query(tree),
        credential,
    })
}

/// `(account, name)` when a path ends in `/<12-digit account>/<name>`: the path of an SQS
/// queue URL (`/000000000000/jobs`, or LocalStack's `/queue/us-east-1/000000000000/jobs`).
pub fn queue_path(path: &str) -> Option<(&str, &str)> {
    let path = path.split(['?', '#']).next()?;
    let mut segments = path.rsplit('/').filter(|s| !s.is_empty());
    let name = segments.next()?;
    let account = segments.next()?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some((account, name))
}

#[cfg(test)]
mod tests;
