using System.Diagnostics.CodeAnalysis;
using Postern.Admin.Api;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// The admin API's request bodies through each reader: <see cref="AddUserRequest.TryParse"/>,
/// <see cref="UpdateUserRequest.TryParse"/>, <see cref="AddBotRequest.TryParse"/>,
/// <see cref="JoinTokenRequest.TryParse"/>, <see cref="LockRequest.TryParse"/> and
/// <see cref="RotateAuthorityRequest.TryParse"/>. Contract: a request, or an error that says what to change.
/// </summary>
internal static class AdminApiHarness
{
    private delegate bool Reader<T>(ReadOnlySpan<byte> json, [NotNullWhen(true)] out T? request, [NotNullWhen(false)] out string? error)
        where T : class;

    public static void Run(byte[] input)
    {
        Check<AddUserRequest>(input, AddUserRequest.TryParse);
        Check<UpdateUserRequest>(input, UpdateUserRequest.TryParse);
        Check<AddBotRequest>(input, AddBotRequest.TryParse);
        Check<JoinTokenRequest>(input, JoinTokenRequest.TryParse);
        Check<LockRequest>(input, LockRequest.TryParse);
        Check<RotateAuthorityRequest>(input, RotateAuthorityRequest.TryParse);
    }

    private static void Check<T>(byte[] input, Reader<T> read)
        where T : class
    {
        var accepted = read(input, out var request, out var error);
        ContractBroken.Unless(
            accepted ? request is not null && error is null : request is null && !string.IsNullOrEmpty(error),
            $"{typeof(T).Name}: {(accepted ? "accepted with an error or without a request" : "refused without a reason")}");
    }
}
