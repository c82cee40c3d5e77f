using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Storage;

/// <summary>The HMAC keys of the app's own signed media URLs (<see cref="SignedMediaUrls"/>): checked, and made in Development.</summary>
public static class MediaSigningKeys
{
    /// <summary>The key as configured, or in Development when it is not set, one generated once into <c>keys/</c>.</summary>
    public static string OrDevelopmentKey(string configured, string fileName, IConfiguration configuration, IHostEnvironment environment) =>
        string.IsNullOrWhiteSpace(configured) && environment.IsDevelopment()
            ? KeysDirectory.GetOrCreateSecret(KeysDirectory.Resolve(configuration, environment), fileName,
                () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))
            : configured;

    /// <summary>What is wrong with a signing key setting, named <paramref name="setting"/> in the message.</summary>
    public static IEnumerable<string> Problems(string key, string setting)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            yield return $"{setting} is required outside Development: a random secret of at least 32 bytes that signs lesson video URLs.";
        }
        else if (Encoding.UTF8.GetByteCount(key) < 32)
        {
            yield return $"{setting} must be at least 32 bytes long.";
        }
    }
}
