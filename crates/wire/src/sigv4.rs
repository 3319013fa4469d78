//! SigV4 credential scope: who signed a request and for which region and service.
//! Sluice accepts any credentials, so signatures are not verified; the scope still matters
//! because it names the region and, for ambiguous Query actions, the service.

/// The `Credential=` part of a SigV4 `Authorization` header (or `X-Amz-Credential` query
/// parameter): `<access key>/<yyyymmdd>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key: String,
    pub region: String,
    pub service: String,
}

impl Credential {
    /// Reads the scope from an `Authorization` header value.
    pub fn from_authorization(header: &str) -> Option<Credential> {
        let rest = header.trim_start().strip_prefix("AWS4-HMAC-SHA256")?;
        let scope = rest
            .split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("Credential="))?;
        Credential::from_scope(scope)
    }

    /// Reads `<access key>/<date>/<region>/<service>/aws4_request`.
    pub fn from_scope(scope: &str) -> Option<Credential> {
        let mut parts = scope.split('/');
        let access_key = parts.next().filter(|s| !s.is_empty())?;
        let _date = parts.next()?;
        let region = parts.next().filter(|s| !s.is_empty())?;
        let service = parts.next().filter(|s| !s.is_empty())?;
        Some(Credential {
            access_key: access_key.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_scope_of_an_sdk_header() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
        let cred = Credential::from_authorization(header).expect("parses");
        assert_eq!(cred.access_key, "AKIDEXAMPLE");
        assert_eq!(cred.region, "us-west-2");
        assert_eq!(cred.service, "sqs");
    }

    #[test]
    fn rejects_other_schemes_and_short_scopes() {
        assert!(Credential::from_authorization("Basic abc").is_none());
        assert!(Credential::from_authorization("AWS4-HMAC-SHA256 Credential=AK/2015").is_none());
    }
}
