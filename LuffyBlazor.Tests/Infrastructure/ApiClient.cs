using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>Small helpers to talk to the app like its real clients do: the JSON API and the HTML forms.</summary>
public static partial class ApiClient
{
    public static async Task<(HttpStatusCode Code, JsonElement Body)> PostJsonAsync(this HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public static async Task<(HttpStatusCode Code, JsonElement Body)> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json",
            $"expected JSON from {response.RequestMessage?.RequestUri}, got {response.Content.Headers.ContentType}: {text[..Math.Min(300, text.Length)]}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task RegisterAsync(this HttpClient client, string username, string password, string? email = null)
    {
        var (code, body) = await client.PostJsonAsync("/api/v1/user/register/", new { username, password, email });
        Assert.True(code == HttpStatusCode.OK, $"register {username}: {code} {body}");
    }

    public static async Task<string> LoginForTokenAsync(this HttpClient client, string username, string password)
    {
        var (code, body) = await client.PostJsonAsync("/api/v1/user/login/", new { username, password });
        Assert.True(code == HttpStatusCode.OK, $"login {username}: {code} {body}");
        return body.GetProperty("data").GetProperty("token").GetString()!;
    }

    public static HttpClient WithBearer(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Posts a static-SSR Blazor form the way a browser does: antiforgery token and form name included.</summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(
        this HttpClient client, string pageUrl, string formName, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(pageUrl);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"no antiforgery token on {pageUrl}");
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["_handler"] = formName,
        };
        return await client.PostAsync(pageUrl, new FormUrlEncodedContent(form));
    }

    /// <summary>Logs in through /Account/Login; the client keeps the auth cookie.</summary>
    public static async Task<HttpResponseMessage> LoginThroughPageAsync(this HttpClient client, string login, string password) =>
        await client.SubmitFormAsync("/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Login"] = login,
            ["Input.Password"] = password,
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
