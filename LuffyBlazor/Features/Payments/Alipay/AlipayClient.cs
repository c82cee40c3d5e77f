using Microsoft.AspNetCore.Hosting.Server;
using LuffyBlazor.Common;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>Everything the app asks of Alipay. The one way to talk to it: no other code signs anything.</summary>
public interface IAlipayClient
{
    /// <summary><c>alipay.trade.page.pay</c> (desktop cashier) as a GET URL.</summary>
    string BuildPagePayUrl(AlipayTradeRequest request);

    /// <summary><c>alipay.trade.wap.pay</c> (phone cashier, hands over to the Alipay app) as a GET URL.</summary>
    string BuildWapPayUrl(AlipayTradeRequest request);

    /// <summary><c>alipay.trade.page.pay</c> as an auto-submitting POST form.</summary>
    string BuildPagePayForm(AlipayTradeRequest request);

    /// <summary><c>alipay.trade.wap.pay</c> as an auto-submitting POST form.</summary>
    string BuildWapPayForm(AlipayTradeRequest request);

    Task<AlipayResponse<AlipayTradeQuery>> QueryTradeAsync(string outTradeNo, CancellationToken ct = default);

    Task<AlipayResponse<AlipayTradeClose>> CloseTradeAsync(string outTradeNo, CancellationToken ct = default);

    /// <summary>Refunds <see cref="AlipayRefundRequest.RefundAmount"/>; the same <c>out_request_no</c> never refunds twice.</summary>
    Task<AlipayResponse<AlipayTradeRefund>> RefundAsync(AlipayRefundRequest request, CancellationToken ct = default);

    Task<AlipayResponse<AlipayRefundQuery>> QueryRefundAsync(string outTradeNo, string outRequestNo, CancellationToken ct = default);

    /// <summary><c>alipay.data.dataservice.bill.downloadurl.query</c>: where the day's trade statement (业务明细) is.</summary>
    Task<AlipayResponse<AlipayBillDownloadUrl>> QueryBillDownloadUrlAsync(DateOnly billDate, CancellationToken ct = default);
}

public sealed class AlipayClient(
    HttpClient http, AlipayRequestSigner signer, AlipayGateway gateway, AlipayCredentials credentials) : IAlipayClient
{
    /// <summary>Marks a request that is safe to send again (the resilience pipeline retries only these).</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("alipay.idempotent");

    public string BuildPagePayUrl(AlipayTradeRequest request) =>
        AlipayRequestSigner.ToUrl(gateway.Url, SignPay("alipay.trade.page.pay", AlipayBizContent.PagePay(request), request));

    public string BuildWapPayUrl(AlipayTradeRequest request) =>
        AlipayRequestSigner.ToUrl(gateway.Url, SignPay("alipay.trade.wap.pay", AlipayBizContent.WapPay(request), request));

    public string BuildPagePayForm(AlipayTradeRequest request) =>
        AlipayRequestSigner.ToAutoSubmitForm(gateway.Url, SignPay("alipay.trade.page.pay", AlipayBizContent.PagePay(request), request));

    public string BuildWapPayForm(AlipayTradeRequest request) =>
        AlipayRequestSigner.ToAutoSubmitForm(gateway.Url, SignPay("alipay.trade.wap.pay", AlipayBizContent.WapPay(request), request));

    // Queries read, and a refund is keyed by out_request_no (sent again, it answers the first refund's result), so
    // those three are retried after a timeout. A close is not: if the first close went through but its answer was
    // lost, the retry finds a closed trade and answers with a status error, turning a success into a failure.
    public Task<AlipayResponse<AlipayTradeQuery>> QueryTradeAsync(string outTradeNo, CancellationToken ct = default) =>
        ExecuteAsync<AlipayTradeQuery>("alipay.trade.query", AlipayBizContent.Query(outTradeNo), idempotent: true, ct);

    public Task<AlipayResponse<AlipayTradeClose>> CloseTradeAsync(string outTradeNo, CancellationToken ct = default) =>
        ExecuteAsync<AlipayTradeClose>("alipay.trade.close", AlipayBizContent.Close(outTradeNo), idempotent: false, ct);

    public Task<AlipayResponse<AlipayTradeRefund>> RefundAsync(AlipayRefundRequest request, CancellationToken ct = default) =>
        ExecuteAsync<AlipayTradeRefund>("alipay.trade.refund", AlipayBizContent.Refund(request), idempotent: true, ct);

    public Task<AlipayResponse<AlipayRefundQuery>> QueryRefundAsync(string outTradeNo, string outRequestNo, CancellationToken ct = default) =>
        ExecuteAsync<AlipayRefundQuery>("alipay.trade.fastpay.refund.query", AlipayBizContent.RefundQuery(outTradeNo, outRequestNo), idempotent: true, ct);

    public Task<AlipayResponse<AlipayBillDownloadUrl>> QueryBillDownloadUrlAsync(DateOnly billDate, CancellationToken ct = default) =>
        ExecuteAsync<AlipayBillDownloadUrl>(AlipayBillDownloadUrl.Method, AlipayBillDownloadUrl.BizContent(billDate), idempotent: true, ct);

    private List<KeyValuePair<string, string>> SignPay(string method, string bizContent, AlipayTradeRequest request) =>
        signer.Sign(method, bizContent, request.NotifyUrl, request.ReturnUrl);

    private async Task<AlipayResponse<T>> ExecuteAsync<T>(string method, string bizContent, bool idempotent, CancellationToken ct)
        where T : class, IAlipayResponseData<T>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, gateway.Url + (gateway.Url.Contains('?') ? "&" : "?") + "charset=utf-8")
        {
            Content = new FormUrlEncodedContent(signer.Sign(method, bizContent)),
        };
        request.Options.Set(Idempotent, idempotent);

        byte[] body;
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new AlipayException(method, $"the gateway answered HTTP {(int)response.StatusCode}");
            }

            body = await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (HttpRequestException ex)
        {
            throw new AlipayException(method, $"the gateway could not be reached ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new AlipayException(method, "the gateway did not answer in time", ex);
        }

        return AlipayResponseReader.Read<T>(method, body, credentials);
    }
}

/// <summary>
/// Where requests go: <c>Alipay:Gateway</c>, an absolute URL or a path served by this app itself (the simulator sets
/// its own when it is on); when nothing is set, Alipay's sandbox (never production by accident). That default is for
/// Development only: elsewhere start-up refuses an unset gateway (<see cref="AlipayLiveSettingsValidator"/>).
/// </summary>
public sealed class AlipayGateway(IOptions<AlipayOptions> options, IServer? server = null)
{
    private string? resolved;

    public string Url => resolved ?? Resolve();

    private string Resolve()
    {
        // On this app's own address (the simulator's), kept only once the server knows it.
        var url = ServerAddress.Resolve(options.Value.Gateway, AlipayOptions.SandboxGateway, server, out var final);
        return final ? resolved = url : url;
    }
}
