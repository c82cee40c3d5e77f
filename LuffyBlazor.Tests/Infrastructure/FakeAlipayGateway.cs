using System.Collections.Concurrent;
using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on a free loopback port playing Alipay's gateway for client tests: it records what it
/// receives and answers whatever the test scripts (signed with the test "Alipay" key).
/// </summary>
public sealed class FakeAlipayGateway : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeAlipayGateway(WebApplication app, string path, Func<int, HttpContext, Task> answer)
    {
        this.app = app;
        app.MapPost(path, async context =>
        {
            var form = await context.Request.ReadFormAsync();
            Requests.Enqueue((context.Request.QueryString.Value ?? "", form.ToDictionary(f => f.Key, f => f.Value.ToString())));
            await answer(Interlocked.Increment(ref attempts), context);
        });
    }

    private int attempts;

    public int Attempts => Volatile.Read(ref attempts);

    public ConcurrentQueue<(string Query, Dictionary<string, string> Form)> Requests { get; } = new();

    public string Url { get; private set; } = "";

    /// <summary>
    /// Starts a server taking form posts at <paramref name="path"/> (the gateway, or a merchant's notify endpoint);
    /// <paramref name="answer"/> gets the attempt number (1, 2, ...) and the request.
    /// </summary>
    /// <param name="files">Serves <c>GET /files/{name}</c> too (a statement's download URL), when given.</param>
    public static async Task<FakeAlipayGateway> StartAsync(Func<int, HttpContext, Task> answer, string path = "/gateway.do", Func<string, HttpContext, Task>? files = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var gateway = new FakeAlipayGateway(builder.Build(), path, answer);
        if (files is not null)
        {
            gateway.app.MapGet("/files/{name}", (string name, HttpContext context) => files(name, context));
        }

        await gateway.app.StartAsync();
        var address = gateway.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.Origin = address;
        gateway.Url = address + path;
        return gateway;
    }

    /// <summary>The server's own address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>Answers with a body signed the way Alipay signs: over the raw <c>*_response</c> text.</summary>
    public static Task SignedAsync(HttpContext context, string method, string node, RSA? key = null) =>
        context.Response.WriteAsync(SignedBody(method, node, key));

    public static string SignedBody(string method, string node, RSA? key = null) =>
        $"{{\"{method.Replace('.', '_')}_response\":{node},\"sign\":\"{AlipaySignature.Sign(node, key ?? AlipayTestKeys.AlipayPrivateKey)}\"}}";

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
