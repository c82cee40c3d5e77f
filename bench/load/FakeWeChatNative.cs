using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LuffyBlazor.Load;

/// <summary>
/// "WeChat Pay's" Native order API for the app under test: answers <c>POST /v3/pay/transactions/native</c> with a
/// code_url signed by the environment's platform key, as WeChat would, and counts the calls. Without it the app's
/// WeChat QR page called the real api.mch.weixin.qq.com, which this offline machine cannot resolve: every page view
/// waited about 5 s for the lookup to fail and showed an error instead of a QR code (the slow `circuits --kinds
/// wechat` opening). The request's own signature is not checked here: the app's signing is not what is measured.
/// </summary>
public sealed class FakeWeChatNative : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly RSA platformKey;
    private readonly Task serving;
    private int nativeCalls;

    private FakeWeChatNative(RSA platformKey, int port)
    {
        this.platformKey = platformKey;
        BaseUrl = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(BaseUrl + "/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Native orders asked for so far (every page view that did not reuse a remembered code_url).</summary>
    public int NativeCalls => Volatile.Read(ref nativeCalls);

    public static FakeWeChatNative Start(RSA platformKey)
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new FakeWeChatNative(platformKey, port);
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath != "/v3/pay/transactions/native")
        {
            response.StatusCode = 404;
            return;
        }

        Interlocked.Increment(ref nativeCalls);
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var outTradeNo = (string?)JsonNode.Parse(await reader.ReadToEndAsync())?["out_trade_no"];
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["code_url"] = "weixin://wxpay/bizpayurl?pr=" + outTradeNo }.ToJsonString());
        foreach (var (name, value) in MixedNotifyStorm.SignedHeaders(body, platformKey))
        {
            response.Headers[name] = value;
        }

        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving;
    }
}
