//! `operations!`: the one list a service's API declares its operations in. From it come the
//! closed request and response enums (one variant per operation, so a new operation makes
//! the compiler name every place to touch), the operation table detection routes by, and
//! `serve`, the path every request of the service takes: decode, call, encode.

/// Declares a service's operations. `render` turns one output into an [`ApiResponse`]
/// (`render(operation, output, protocol, request_id)`), `error` turns a service error into
/// one (`error(&err, protocol, request_id)`).
///
/// [`ApiResponse`]: crate::ApiResponse
#[macro_export]
macro_rules! operations {
    (
        service: $service:ty,
        context: $ctx:ty,
        error: $error:ty => $error_response:path,
        render: $render:path,
        request: $request:ident,
        response: $response:ident,
        { $($op:ident($input:ty) -> $output:ty = $method:ident;)* }
    ) => {
        /// One request, decoded: one variant per operation.
        #[derive(Debug)]
        pub enum $request { $($op($input),)* }

        /// One operation's result.
        #[derive(Debug)]
        pub enum $response { $($op($output),)* }

        /// Every operation name, for routing.
        pub const ACTIONS: &[&str] = &[$(stringify!($op),)*];

        impl $request {
            /// The typed input of `operation`, from the payload in `protocol`.
            pub fn decode(
                operation: &str,
                protocol: $crate::Protocol,
                payload: &$crate::Payload,
            ) -> Result<$request, $crate::de::DecodeError> {
                match operation {
                    $(stringify!($op) => $crate::de::decode_input(protocol, payload).map($request::$op),)*
                    other => Err($crate::de::DecodeError::UnknownOperation(other.to_owned())),
                }
            }

            /// Runs the operation.
            pub async fn call(self, service: &$service, ctx: &$ctx) -> Result<$response, $error> {
                match self {
                    $($request::$op(input) => service.$method(ctx, input).await.map($response::$op),)*
                }
            }
        }

        impl $response {
            /// The answer for `protocol`.
            pub fn encode(self, protocol: $crate::Protocol, request_id: &str) -> $crate::ApiResponse {
                match self {
                    $($response::$op(out) => $render(stringify!($op), out, protocol, request_id),)*
                }
            }
        }

        /// Serves one routed request: decode, call, encode (or the error's answer).
        pub async fn serve(service: &$service, ctx: &$ctx, request: $crate::ApiRequest) -> $crate::ApiResponse {
            let protocol = request.protocol;
            let decoded = $request::decode(&request.operation, protocol, &request.payload);
            match decoded {
                Err(e) => e.response(request.service, protocol, &ctx.request_id),
                Ok(input) => match input.call(service, ctx).await {
                    Ok(output) => output.encode(protocol, &ctx.request_id),
                    Err(error) => {
                        tracing::debug!(request_id = %ctx.request_id, operation = %request.operation, %error, "error");
                        $error_response(&error, protocol, &ctx.request_id)
                    }
                },
            }
        }
    };
}
