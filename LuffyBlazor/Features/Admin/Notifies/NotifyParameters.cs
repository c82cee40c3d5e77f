using System.Text.Json;

namespace LuffyBlazor.Features.Admin.Notifies;

/// <summary>
/// A stored notify's raw parameters for people: sorted by name as Alipay signs them, with the signature cut to its
/// ends (enough to compare, not a wall of base64). The one way the notify log leaves the database
/// (<see cref="NotifyRow.Parameters"/>), so pages and every admin API show the same shortened signature.
/// </summary>
public static class NotifyParameters
{
    /// <summary>The parameters, or one "(unreadable)" row when the stored text is not a JSON object (cut short, say).</summary>
    public static IReadOnlyDictionary<string, string> Read(string rawParameters)
    {
        try
        {
            using var document = JsonDocument.Parse(rawParameters);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Unreadable(rawParameters);
            }

            return document.RootElement.EnumerateObject()
                .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))
                .Select(p => p.Key == "sign" ? KeyValuePair.Create(p.Key, ShortenSignature(p.Value)) : p)
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return Unreadable(rawParameters);
        }
    }

    /// <summary>"Rm9vYmFy…Zm9v== (344 字符)" for a long signature; short values are kept.</summary>
    public static string ShortenSignature(string sign) =>
        sign.Length <= 24 ? sign : $"{sign[..12]}…{sign[^8..]} ({sign.Length} 字符)";

    private static Dictionary<string, string> Unreadable(string raw) =>
        new() { ["(无法解析)"] = raw.Length > 200 ? raw[..200] + "…" : raw };
}
