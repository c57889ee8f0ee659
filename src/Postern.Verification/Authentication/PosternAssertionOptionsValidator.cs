using Microsoft.Extensions.Options;

namespace Postern.Verification;

/// <summary>
/// Refuses unusable scheme options at start, reporting every problem at once: a missing
/// or relative key set address, a plain-HTTP one unless explicitly allowed, and bad
/// validator or cache settings.
/// </summary>
internal sealed class PosternAssertionOptionsValidator : IValidateOptions<PosternAssertionOptions>
{
    public ValidateOptionsResult Validate(string? name, PosternAssertionOptions options)
    {
        var problems = Problems(options).Select(problem => $"Authentication scheme '{name}': {problem}").ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(PosternAssertionOptions options)
    {
        if (options.KeySetUri is not { } uri)
        {
            yield return "KeySetUri is required: the address of Postern's key set, e.g. https://postern.example.com/.well-known/jwks.json.";
        }
        else if (!uri.IsAbsoluteUri || uri.Scheme is not ("https" or "http"))
        {
            yield return $"KeySetUri must be an absolute https address; it is '{uri}'.";
        }
        else if (uri.Scheme == "http" && options.RequireHttpsKeySet)
        {
            yield return $"KeySetUri must use https ('{uri}' does not); set RequireHttpsKeySet to false for local development only.";
        }

        if (string.IsNullOrWhiteSpace(options.HeaderName))
        {
            yield return "HeaderName is empty: name the header that holds the assertion (default Teleport-Jwt-Assertion).";
        }

        foreach (var problem in options.ToValidatorOptions().Validate().Concat(options.KeySetCache?.Validate() ?? ["KeySetCache is null."]))
        {
            yield return problem;
        }
    }
}
