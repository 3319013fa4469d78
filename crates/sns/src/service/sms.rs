//! SMS operations: account SMS attributes, opt-out checks and opt-in, and the SMS sandbox
//! (destination numbers verified with a one-time password Sluice makes up and shows in the
//! SMS outbox, as AWS would text it).

use super::{RequestContext, SnsService};
use crate::engine::{valid_e164, OutboxKind, OutboxRecord, SandboxNumber, SMS_ATTRIBUTES};
use crate::model::input::*;
use crate::model::output::*;
use crate::SnsError;

fn phone_number(number: Option<String>) -> Result<String, SnsError> {
    let number = number.unwrap_or_default();
    if valid_e164(&number) {
        Ok(number)
    } else {
        Err(SnsError::invalid(
            "PhoneNumber Reason: input incorrectly formatted",
        ))
    }
}

impl SnsService {
    pub async fn set_sms_attributes(
        &self,
        ctx: &RequestContext,
        input: SetSmsAttributesInput,
    ) -> Result<EmptyResult, SnsError> {
        for (k, v) in &input.attributes {
            if !SMS_ATTRIBUTES.contains(&k.as_str()) {
                return Err(SnsError::invalid(format!("{k} Reason: Unknown attribute")));
            }
            if k == "DefaultSMSType" && !matches!(v.as_str(), "Promotional" | "Transactional") {
                return Err(SnsError::invalid(
                    "DefaultSMSType Reason: Must be Promotional or Transactional",
                ));
            }
        }
        self.sms.with_account(ctx.account.as_str(), |account| {
            account.attributes.extend(input.attributes);
        });
        Ok(EmptyResult {})
    }

    pub async fn get_sms_attributes(
        &self,
        ctx: &RequestContext,
        input: GetSmsAttributesInput,
    ) -> Result<SmsAttributesOutput, SnsError> {
        let attributes = self.sms.with_account(ctx.account.as_str(), |account| {
            account
                .attributes
                .iter()
                .filter(|(k, _)| input.attributes.is_empty() || input.attributes.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        });
        Ok(SmsAttributesOutput {
            attributes: Map(attributes),
        })
    }

    pub async fn check_if_phone_number_is_opted_out(
        &self,
        ctx: &RequestContext,
        input: PhoneNumberInput,
    ) -> Result<OptedOutOutput, SnsError> {
        let number = phone_number(input.phone_number)?;
        let opted_out = self
            .sms
            .with_account(ctx.account.as_str(), |a| a.opted_out.contains(&number));
        Ok(OptedOutOutput {
            is_opted_out: opted_out,
        })
    }

    pub async fn opt_in_phone_number(
        &self,
        ctx: &RequestContext,
        input: PhoneNumberInput,
    ) -> Result<EmptyResult, SnsError> {
        let number = phone_number(input.phone_number)?;
        self.sms
            .with_account(ctx.account.as_str(), |a| a.opted_out.remove(&number));
        Ok(EmptyResult {})
    }

    pub async fn list_phone_numbers_opted_out(
        &self,
        ctx: &RequestContext,
        _input: ListPhoneNumbersOptedOutInput,
    ) -> Result<PhoneNumbersOptedOutOutput, SnsError> {
        let numbers = self.sms.with_account(ctx.account.as_str(), |a| {
            a.opted_out.iter().cloned().collect()
        });
        Ok(PhoneNumbersOptedOutOutput {
            phone_numbers: numbers,
            next_token: None,
        })
    }

    pub async fn get_sms_sandbox_account_status(
        &self,
        _ctx: &RequestContext,
        _input: NoInput,
    ) -> Result<SandboxStatusOutput, SnsError> {
        Ok(SandboxStatusOutput {
            is_in_sandbox: false,
        })
    }

    pub async fn create_sms_sandbox_phone_number(
        &self,
        ctx: &RequestContext,
        input: SandboxNumberInput,
    ) -> Result<EmptyResult, SnsError> {
        let number = phone_number(input.phone_number)?;
        let otp = format!("{:06}", self.ids.next_u128() % 1_000_000);
        let opted_out = self.sms.with_account(ctx.account.as_str(), |a| {
            if a.opted_out.contains(&number) {
                return true;
            }
            a.sandbox.insert(
                number.clone(),
                SandboxNumber {
                    verified: false,
                    otp: otp.clone(),
                    language: input.language_code,
                },
            );
            false
        });
        if opted_out {
            return Err(SnsError::OptedOut(format!("{number} has opted out")));
        }
        self.outbox.push(OutboxRecord {
            kind: OutboxKind::Sms,
            account: ctx.account.to_string(),
            region: ctx.region.to_string(),
            destination: number,
            message_id: self.ids.uuid(),
            topic_arn: None,
            subscription_arn: None,
            subject: None,
            message: format!("Your verification code is {otp}"),
            message_structure: None,
            attributes: Vec::new(),
            timestamp: self.clock.now(),
        });
        Ok(EmptyResult {})
    }

    pub async fn verify_sms_sandbox_phone_number(
        &self,
        ctx: &RequestContext,
        input: SandboxNumberInput,
    ) -> Result<EmptyResult, SnsError> {
        let number = phone_number(input.phone_number)?;
        let otp = input.one_time_password.unwrap_or_default();
        self.sms.with_account(ctx.account.as_str(), |a| {
            let entry = a.sandbox.get_mut(&number).ok_or_else(|| {
                SnsError::ResourceNotFound(format!("{number} is not in the SMS sandbox"))
            })?;
            if entry.otp != otp {
                return Err(SnsError::Verification("Invalid one-time password".into()));
            }
            entry.verified = true;
            Ok(EmptyResult {})
        })
    }

    pub async fn delete_sms_sandbox_phone_number(
        &self,
        ctx: &RequestContext,
        input: SandboxNumberInput,
    ) -> Result<EmptyResult, SnsError> {
        let number = phone_number(input.phone_number)?;
        self.sms.with_account(ctx.account.as_str(), |a| {
            a.sandbox
                .remove(&number)
                .map(|_| EmptyResult {})
                .ok_or_else(|| {
                    SnsError::ResourceNotFound(format!("{number} is not in the SMS sandbox"))
                })
        })
    }

    pub async fn list_sms_sandbox_phone_numbers(
        &self,
        ctx: &RequestContext,
        _input: PagedInput,
    ) -> Result<ListSandboxNumbersOutput, SnsError> {
        let numbers = self.sms.with_account(ctx.account.as_str(), |a| {
            a.sandbox
                .iter()
                .map(|(n, s)| SandboxNumberEntry {
                    phone_number: n.clone(),
                    status: if s.verified { "Verified" } else { "Pending" }.to_owned(),
                })
                .collect()
        });
        Ok(ListSandboxNumbersOutput {
            phone_numbers: numbers,
            next_token: None,
        })
    }

    pub async fn list_origination_numbers(
        &self,
        _ctx: &RequestContext,
        _input: PagedInput,
    ) -> Result<ListOriginationNumbersOutput, SnsError> {
        Ok(ListOriginationNumbersOutput::default())
    }
}
