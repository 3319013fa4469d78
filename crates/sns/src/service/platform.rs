//! Mobile push operations: platform applications and endpoints, stored with their
//! attributes. Publishing to an endpoint records the message in the outbox.

use std::collections::BTreeMap;

use sluice_core::{page, Arn, Page};

use super::{page_start_under, RequestContext, SnsService};
use crate::engine::{
    parse_platform_application_arn, platform_application_arn, PlatformApplication,
    PlatformEndpoint, PAGE_SIZE, PLATFORMS,
};
use crate::model::input::*;
use crate::model::output::*;
use crate::SnsError;

const ENDPOINT_ATTRIBUTES: &[&str] = &["CustomUserData", "Enabled", "Token"];

fn app_not_found() -> SnsError {
    SnsError::NotFound("PlatformApplication does not exist".into())
}

fn endpoint_not_found() -> SnsError {
    SnsError::NotFound("Endpoint does not exist".into())
}

fn check_app_arn(arn: Option<&str>) -> Result<&str, SnsError> {
    let arn = arn.unwrap_or_default();
    let parts = arn.split(':').count();
    if parts < 6 {
        return Err(SnsError::invalid(format!(
            "PlatformApplicationArn Reason: An ARN must have at least 6 elements, not {parts}"
        )));
    }
    parse_platform_application_arn(arn)
        .map(|_| arn)
        .ok_or_else(|| SnsError::invalid("PlatformApplicationArn"))
}

/// Endpoint attributes as stored: `Enabled` lower-cased, so any case of "true" enables.
fn normalized(attributes: Vec<(String, String)>) -> Vec<(String, String)> {
    attributes
        .into_iter()
        .map(|(k, v)| {
            let v = if k == "Enabled" {
                v.to_ascii_lowercase()
            } else {
                v
            };
            (k, v)
        })
        .collect()
}

fn check_endpoint_attributes(attributes: &[(String, String)]) -> Result<(), SnsError> {
    for (k, v) in attributes {
        if !ENDPOINT_ATTRIBUTES.contains(&k.as_str()) {
            return Err(SnsError::invalid(format!(
                "Attributes Reason: Invalid attribute name: {k}"
            )));
        }
        if k == "CustomUserData" && v.len() > 2048 {
            return Err(SnsError::invalid("Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding"));
        }
        if k == "Enabled" && !matches!(v.to_ascii_lowercase().as_str(), "true" | "false") {
            return Err(SnsError::invalid(
                "Attributes Reason: Enabled: Invalid value. Must be true or false.",
            ));
        }
    }
    Ok(())
}

impl SnsService {
    pub async fn create_platform_application(
        &self,
        ctx: &RequestContext,
        input: CreatePlatformApplicationInput,
    ) -> Result<PlatformApplicationArnOutput, SnsError> {
        let name = input.name.unwrap_or_default();
        if name.is_empty() {
            return Err(SnsError::invalid(format!("{name} Reason: cannot be empty")));
        }
        if name.len() > 256 {
            return Err(SnsError::invalid(format!(
                "{name} Reason: must be at most 256 characters long"
            )));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return Err(SnsError::invalid(format!("{name} Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'")));
        }
        let platform = input.platform.unwrap_or_default();
        if !PLATFORMS.contains(&platform.as_str()) {
            return Err(SnsError::invalid(format!(
                "Platform Reason: {platform} is not supported"
            )));
        }
        let attributes: BTreeMap<String, String> = input.attributes.into_iter().collect();
        match (
            attributes.contains_key("PlatformCredential"),
            attributes.contains_key("PlatformPrincipal"),
        ) {
            (true, false) if platform.starts_with("APNS") => {
                return Err(SnsError::invalid(
                    "Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal",
                ))
            }
            (false, true) => {
                return Err(SnsError::invalid(
                    "Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential",
                ))
            }
            _ => {}
        }
        let arn = platform_application_arn(&ctx.region, &ctx.account, &platform, &name);
        let mut state = self.platforms.lock();
        state.applications.insert(
            arn.clone(),
            PlatformApplication {
                arn: arn.clone(),
                name,
                platform,
                attributes,
            },
        );
        Ok(PlatformApplicationArnOutput {
            platform_application_arn: arn,
        })
    }

    pub async fn delete_platform_application(
        &self,
        _ctx: &RequestContext,
        input: PlatformApplicationArnInput,
    ) -> Result<Empty, SnsError> {
        let arn = check_app_arn(input.platform_application_arn.as_deref())?;
        self.platforms.lock().delete_application(arn);
        Ok(Empty {})
    }

    pub async fn get_platform_application_attributes(
        &self,
        _ctx: &RequestContext,
        input: PlatformApplicationArnInput,
    ) -> Result<AttributesOutput, SnsError> {
        let arn = check_app_arn(input.platform_application_arn.as_deref())?;
        let state = self.platforms.lock();
        let app = state.applications.get(arn).ok_or_else(app_not_found)?;
        Ok(AttributesOutput {
            attributes: Map(visible_app_attributes(app)),
        })
    }

    pub async fn set_platform_application_attributes(
        &self,
        _ctx: &RequestContext,
        input: SetPlatformApplicationAttributesInput,
    ) -> Result<Empty, SnsError> {
        let arn = check_app_arn(input.platform_application_arn.as_deref())?;
        let mut state = self.platforms.lock();
        let app = state.applications.get_mut(arn).ok_or_else(app_not_found)?;
        app.attributes.extend(input.attributes);
        Ok(Empty {})
    }

    pub async fn list_platform_applications(
        &self,
        ctx: &RequestContext,
        input: NextTokenInput,
    ) -> Result<ListPlatformApplicationsOutput, SnsError> {
        let prefix = Arn::format("sns", ctx.region.as_str(), ctx.account.as_str(), "app/");
        let start = page_start_under(input.next_token.as_deref(), &prefix)?;
        let state = self.platforms.lock();
        let Page { items, next_token } = page(
            state
                .applications
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix)),
            start.as_deref(),
            PAGE_SIZE,
        );
        Ok(ListPlatformApplicationsOutput {
            platform_applications: items
                .into_iter()
                .map(|a| PlatformApplicationEntry {
                    platform_application_arn: a.arn.clone(),
                    attributes: Map(visible_app_attributes(a)),
                })
                .collect(),
            next_token,
        })
    }

    pub async fn create_platform_endpoint(
        &self,
        ctx: &RequestContext,
        input: CreatePlatformEndpointInput,
    ) -> Result<EndpointArnOutput, SnsError> {
        let app_arn = check_app_arn(input.platform_application_arn.as_deref())?.to_owned();
        let token = input.token.unwrap_or_default();
        if token.is_empty() {
            return Err(SnsError::invalid("Token Reason: cannot be empty"));
        }
        check_endpoint_attributes(&input.attributes)?;
        let mut attributes: BTreeMap<String, String> =
            normalized(input.attributes).into_iter().collect();
        if let Some(data) = input.custom_user_data {
            attributes.insert("CustomUserData".into(), data);
        }
        attributes
            .entry("Enabled".into())
            .or_insert_with(|| "true".into());
        attributes.insert("Token".into(), token.clone());
        let mut state = self.platforms.lock();
        let app = state.applications.get(&app_arn).ok_or_else(app_not_found)?;
        let (platform, app_name) = (app.platform.clone(), app.name.clone());
        if let Some(existing) = state
            .endpoints
            .values()
            .find(|e| e.application_arn == app_arn && e.token() == token)
        {
            if existing.attributes != attributes {
                return Err(SnsError::invalid(format!(
                    "Token Reason: Endpoint {} already exists with the same Token, but different attributes.",
                    existing.arn
                )));
            }
            return Ok(EndpointArnOutput {
                endpoint_arn: existing.arn.clone(),
            });
        }
        let arn = format!(
            "arn:aws:sns:{}:{}:endpoint/{platform}/{app_name}/{}",
            ctx.region,
            ctx.account,
            self.ids.uuid()
        );
        state.endpoints.insert(
            arn.clone(),
            PlatformEndpoint {
                arn: arn.clone(),
                application_arn: app_arn,
                attributes,
            },
        );
        Ok(EndpointArnOutput { endpoint_arn: arn })
    }

    pub async fn delete_endpoint(
        &self,
        _ctx: &RequestContext,
        input: EndpointArnInput,
    ) -> Result<Empty, SnsError> {
        let arn = input.endpoint_arn.unwrap_or_default();
        self.platforms.lock().endpoints.remove(&arn);
        Ok(Empty {})
    }

    pub async fn get_endpoint_attributes(
        &self,
        _ctx: &RequestContext,
        input: EndpointArnInput,
    ) -> Result<AttributesOutput, SnsError> {
        let arn = input.endpoint_arn.unwrap_or_default();
        let state = self.platforms.lock();
        let endpoint = state.endpoints.get(&arn).ok_or_else(endpoint_not_found)?;
        Ok(AttributesOutput {
            attributes: Map(endpoint.attributes.clone().into_iter().collect()),
        })
    }

    pub async fn set_endpoint_attributes(
        &self,
        _ctx: &RequestContext,
        input: SetEndpointAttributesInput,
    ) -> Result<Empty, SnsError> {
        let arn = input.endpoint_arn.unwrap_or_default();
        check_endpoint_attributes(&input.attributes)?;
        let mut state = self.platforms.lock();
        let endpoint = state
            .endpoints
            .get_mut(&arn)
            .ok_or_else(endpoint_not_found)?;
        endpoint.attributes.extend(normalized(input.attributes));
        Ok(Empty {})
    }

    pub async fn list_endpoints_by_platform_application(
        &self,
        _ctx: &RequestContext,
        input: ListEndpointsInput,
    ) -> Result<ListEndpointsOutput, SnsError> {
        let app_arn = check_app_arn(input.platform_application_arn.as_deref())?;
        let state = self.platforms.lock();
        if !state.applications.contains_key(app_arn) {
            return Err(app_not_found());
        }
        let start = page_start_under(input.next_token.as_deref(), "")?;
        let Page { items, next_token } = page(
            state
                .endpoints
                .iter()
                .filter(|(_, e)| e.application_arn == app_arn),
            start.as_deref(),
            PAGE_SIZE,
        );
        Ok(ListEndpointsOutput {
            endpoints: items
                .into_iter()
                .map(|e| EndpointEntry {
                    endpoint_arn: e.arn.clone(),
                    attributes: Map(e.attributes.clone().into_iter().collect()),
                })
                .collect(),
            next_token,
        })
    }
}

/// An application's attributes as AWS returns them: credentials are never echoed.
/// AWS reports every application `Enabled` ("true" unless it was disabled).
fn visible_app_attributes(app: &PlatformApplication) -> Vec<(String, String)> {
    let mut visible: BTreeMap<String, String> = app
        .attributes
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "PlatformCredential" | "PlatformPrincipal"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    visible
        .entry("Enabled".to_owned())
        .or_insert_with(|| "true".to_owned());
    visible.into_iter().collect()
}
