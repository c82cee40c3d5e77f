using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LuffyBlazor.Load.Circuits;

/// <summary>
/// One real Blazor Server circuit, opened the way the browser's <c>blazor.web.js</c> opens it: the page is fetched
/// (prerendered, with its <c>&lt;!--Blazor:{…}--&gt;</c> markers), a WebSocket to <c>/_blazor</c> speaks the
/// <c>blazorpack</c> protocol, <c>StartCircuit</c> then <c>UpdateRootComponents</c> make the page's interactive
/// components live. Every render batch is acknowledged with <c>OnRenderCompleted</c>, every JS interop call the
/// server makes is answered (with no value: there is no DOM here), and a click is dispatched as the browser does,
/// through the renderer's <c>DispatchEventAsync</c>.
/// </summary>
public sealed partial class BlazorCircuit : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly string pageUrl;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> pendingEvents = new();
    private readonly TaskCompletionSource<long> rendererInterop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock handlersLock = new();
    private readonly Dictionary<string, (int ComponentId, ulong HandlerId)> clickTargets = [];
    private readonly Func<RenderedElement, string?> targetOf;
    private int nextCallId;

    private readonly Uri baseUri;
    private readonly HttpClient http;
    private string? secret;

    private BlazorCircuit(HubConnection connection, HttpClient http, Uri baseUri, string pageUrl, Func<RenderedElement, string?> targetOf)
    {
        this.http = http;
        this.connection = connection;
        this.baseUri = baseUri;
        this.pageUrl = pageUrl;
        this.targetOf = targetOf;
    }

    /// <summary>What the server reported through <c>JS.Error</c> (the circuit is then gone).</summary>
    public string? Error { get; private set; }

    /// <summary>Render batches received (and acknowledged) so far.</summary>
    public int Batches => batches;

    private int batches;

    /// <summary>
    /// Fetches <paramref name="pageUrl"/> with <paramref name="cookies"/>, starts a circuit for its interactive
    /// components and waits for their first render. <paramref name="targetOf"/> names the clickable elements the
    /// caller wants to click later (null: not one of them).
    /// </summary>
    public static async Task<BlazorCircuit> OpenAsync(HttpClient http, CookieContainer cookies, string baseUrl, string pageUrl, Func<RenderedElement, string?> targetOf)
    {
        var html = await http.GetStringAsync(pageUrl);
        var markers = ServerMarker().Matches(html).Select(m => m.Groups[1].Value).Where(json => json.Contains("\"descriptor\"", StringComparison.Ordinal)).ToList();
        if (markers.Count == 0)
        {
            throw new InvalidOperationException($"{pageUrl} has no interactive server components: nothing to open a circuit for.");
        }

        var state = PersistedState().Match(html) is { Success: true } s ? s.Groups[1].Value : "";
        var builder = new HubConnectionBuilder().WithUrl(new Uri(new Uri(baseUrl), "_blazor"), o =>
        {
            o.Cookies = cookies;
            o.Transports = HttpTransportType.WebSockets;
            // The negotiate POST over one pool of connections per signed-in user, as a browser sends it: otherwise
            // every circuit's own client kept one more idle keep-alive connection open on the server (an
            // Http1Connection with its headers and pipes, about 5 KB), counted as the circuit's.
            o.HttpMessageHandlerFactory = _ => new SharedConnections(Negotiators.GetValue(cookies, c =>
                new HttpMessageInvoker(new SocketsHttpHandler { CookieContainer = c, MaxConnectionsPerServer = 16 }, disposeHandler: false)));
        });
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol, BlazorPackHubProtocol>();
        var circuit = new BlazorCircuit(builder.Build(), http, new Uri(baseUrl.TrimEnd('/') + "/"), pageUrl, targetOf);
        circuit.Listen();
        await circuit.connection.StartAsync();

        var absolute = new Uri(new Uri(baseUrl), pageUrl).ToString();
        circuit.secret = await circuit.connection.InvokeAsync<string?>("StartCircuit", baseUrl.TrimEnd('/') + "/", absolute, "[]", "");
        if (string.IsNullOrEmpty(circuit.secret))
        {
            throw new InvalidOperationException($"StartCircuit for {pageUrl} was refused: {circuit.Error}");
        }

        // As blazor.web.js does: one "add" operation per server component marker, numbered from 1.
        var operations = markers.Select((json, i) => new { type = "add", ssrComponentId = i + 1, marker = JsonDocument.Parse(json).RootElement });
        await circuit.connection.SendAsync("UpdateRootComponents", JsonSerializer.Serialize(new { batchId = 1, operations }), state);
        await circuit.firstBatch.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return circuit;
    }

    /// <summary>Waits until a click target named by the caller's <c>targetOf</c> has been rendered (later batches may bring it).</summary>
    public async Task<bool> WaitForTargetAsync(string name, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Error is null && DateTime.UtcNow < until)
        {
            lock (handlersLock)
            {
                if (clickTargets.ContainsKey(name))
                {
                    return true;
                }
            }

            await Task.Delay(10);
        }

        return false;
    }

    /// <summary>
    /// Clicks the named element and completes when the server has handled the click: its handler (and the render
    /// batches it caused, each acknowledged) done, reported back by <c>JS.EndInvokeDotNet</c>.
    /// </summary>
    public async Task ClickAsync(string target)
    {
        ulong handlerId;
        lock (handlersLock)
        {
            handlerId = clickTargets.TryGetValue(target, out var t) ? t.HandlerId : throw new InvalidOperationException($"{pageUrl}: no '{target}' rendered to click.");
        }

        var interop = await rendererInterop.Task;
        var callId = Interlocked.Increment(ref nextCallId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        pendingEvents[callId] = done;
        var arguments = JsonSerializer.Serialize(new object[]
        {
            new { eventHandlerId = handlerId, eventName = "click", eventFieldInfo = (object?)null },
            new { type = "click", detail = 1, button = 0, buttons = 0, screenX = 0, screenY = 0, clientX = 0, clientY = 0, offsetX = 0, offsetY = 0, pageX = 0, pageY = 0, movementX = 0, movementY = 0, ctrlKey = false, shiftKey = false, altKey = false, metaKey = false },
        });
        await connection.SendAsync("BeginInvokeDotNetFromJS", callId, null, "DispatchEventAsync", interop, arguments);
        if (!await done.Task.WaitAsync(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException($"{pageUrl}: the click on '{target}' failed on the server: {Error}");
        }
    }

    private void Listen()
    {
        connection.On("JS.RenderBatch", [typeof(long), typeof(byte[])], async (args, _) =>
        {
            var (id, data) = ((long)args[0]!, (byte[])args[1]!);
            Remember(RenderBatchReader.Read(data));
            await connection.SendAsync("OnRenderCompleted", id, null);
            Interlocked.Increment(ref batches);
            firstBatch.TrySetResult();
        }, this);
        // (asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType), as blazor.web.js 10 reads them.
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], async (args, _) =>
        {
            var (handle, identifier, json) = ((long)args[0]!, (string)args[1]!, (string)args[2]!);
            if (identifier == "Blazor._internal.attachWebRendererInterop")
            {
                // [rendererId, {"__dotNetObject": id}, …]: the object the browser dispatches events to.
                var reference = JsonDocument.Parse(json).RootElement.EnumerateArray().First(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("__dotNetObject", out JsonElement _));
                rendererInterop.TrySetResult(reference.GetProperty("__dotNetObject").GetInt64());
            }
            else if (identifier == "Blazor._internal.navigationManager.navigateTo")
            {
                // The grid keeps its sort and page in the address: the browser moves there and tells the circuit.
                var target = JsonDocument.Parse(json).RootElement[0].GetString()!;
                await connection.SendAsync("OnLocationChanged", new Uri(baseUri, target).ToString(), null, false);
            }

            if (handle != 0)
            {
                await connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,null]");
            }
        }, this);
        connection.On("JS.EndInvokeDotNet", [typeof(string), typeof(bool), typeof(string)], (args, _) =>
        {
            if (pendingEvents.TryRemove((string)args[0]!, out var done))
            {
                done.TrySetResult((bool)args[1]!);
            }

            return Task.CompletedTask;
        }, this);
        connection.On("JS.Error", [typeof(string)], (args, _) =>
        {
            Error = (string?)args[0];
            firstBatch.TrySetException(new InvalidOperationException($"{pageUrl}: the circuit failed: {Error}"));
            foreach (var pending in pendingEvents.Values)
            {
                pending.TrySetResult(false);
            }

            return Task.CompletedTask;
        }, this);
    }

    // Keeps each click target's current handler id: new elements name theirs; a re-render that replaces a
    // handler on a kept element does so in the same component, disposing the old id.
    private void Remember(RenderBatchReader batch)
    {
        lock (handlersLock)
        {
            foreach (var element in batch.InsertedElements)
            {
                if (element.ClickHandlerId != 0 && targetOf(element) is { } name)
                {
                    clickTargets[name] = (element.ComponentId, element.ClickHandlerId);
                }
            }

            foreach (var (name, (componentId, handlerId)) in clickTargets.ToList())
            {
                if (!batch.DisposedHandlerIds.Contains(handlerId))
                {
                    continue;
                }

                var replaced = batch.ReplacedClickHandlers.LastOrDefault(r => r.ComponentId == componentId);
                if (replaced is not null)
                {
                    clickTargets[name] = (componentId, replaced.HandlerId);
                }
                else if (!batch.InsertedElements.Any(e => e.ClickHandlerId != 0 && targetOf(e) == name))
                {
                    clickTargets.Remove(name);
                }
            }
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CookieContainer, HttpMessageInvoker> Negotiators = new();

    /// <summary>Sends through the user's shared pool, which stays open when one hub connection is disposed.</summary>
    private sealed class SharedConnections(HttpMessageInvoker pool) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            pool.SendAsync(request, cancellationToken);
    }

    /// <summary>Closes the circuit as a browser tab does: the connection, then <c>_blazor/disconnect</c>, so the server
    /// disposes the circuit at once instead of keeping it for a reconnect.</summary>
    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        if (secret is not null)
        {
            using var form = new MultipartFormDataContent { { new StringContent(secret), "circuitId" } };
            using var answer = await http.PostAsync("_blazor/disconnect", form);
        }
    }

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex ServerMarker();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex PersistedState();
}

/// <summary>The Blazor hub's protocol: SignalR's MessagePack protocol under the name <c>blazorpack</c>.</summary>
internal sealed class BlazorPackHubProtocol : IHubProtocol
{
    private readonly MessagePackHubProtocol inner = new();

    public string Name => "blazorpack";
    public int Version => inner.Version;
    public TransferFormat TransferFormat => TransferFormat.Binary;
    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
    public bool TryParseMessage(ref System.Buffers.ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) => inner.TryParseMessage(ref input, binder, out message);
    public void WriteMessage(HubMessage message, System.Buffers.IBufferWriter<byte> output) => inner.WriteMessage(message, output);
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);
}
