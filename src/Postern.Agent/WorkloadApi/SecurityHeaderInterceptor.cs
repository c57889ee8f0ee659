using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Postern.Agent.WorkloadApi;

/// <summary>
/// Refuses every call without the metadata <c>workload.spiffe.io: true</c> with <c>InvalidArgument</c>,
/// as the SPIFFE Workload API requires: the header shows the call was made on purpose by a Workload API
/// client, and not forged by something that can only make a process send plain HTTP requests.
/// </summary>
internal sealed class SecurityHeaderInterceptor : Interceptor
{
    public const string HeaderName = "workload.spiffe.io";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    private static void Check(ServerCallContext context)
    {
        var value = context.RequestHeaders.GetValue(HeaderName);
        if (!string.Equals(value, "true", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"security header missing from request: the metadata '{HeaderName}: true' is required"));
        }
    }
}
