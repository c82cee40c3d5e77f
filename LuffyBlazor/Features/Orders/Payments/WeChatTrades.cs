using LuffyBlazor.Features.Payments;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders.Payments;

/// <summary>Orders' questions to WeChat Pay (query by out_trade_no, close, refund, refund query) in the shop's terms.</summary>
public sealed class WeChatTrades(
    IServiceProvider services, IOptions<WeChatPayOptions> options, ILogger<WeChatTrades> logger) : IPaymentTrades
{
    public PayType PayType => PayType.WeChat;
    public string ChineseName => "微信支付";
    public TimeSpan CallTimeout => options.Value.CallTimeout;
    public bool IsEnabled => options.Value.IsEnabled;

    // Resolved when used: with WeChat Pay off, its client (and its keys) are never loaded.
    private IWeChatPayClient Client => services.GetRequiredService<IWeChatPayClient>();
    private WeChatPayEndpoint Endpoint => services.GetRequiredService<WeChatPayEndpoint>();

    public async Task<TradeLookup> QueryAsync(string outTradeNo, CancellationToken ct = default)
    {
        if (!IsEnabled)
        {
            return new(TradeLookupState.Unreachable, null, "微信支付未配置（WeChatPay:MchId 为空）");
        }

        WeChatPayResponse<WeChatPayTransaction> response;
        try
        {
            response = await Client.QueryAsync(outTradeNo, ct);
        }
        catch (WeChatPayException ex)
        {
            logger.LogWarning(ex, "WeChat Pay query failed for order {OutTradeNo}", outTradeNo);
            return new(TradeLookupState.Unreachable, null, ex.Message);
        }

        if (response.IsNotFound)
        {
            return new(TradeLookupState.NotExist, null);
        }

        if (!response.IsSuccess || response.Data is null)
        {
            return new(TradeLookupState.Error, null, response.Error?.ToString(), response.Error?.Message);
        }

        var trade = response.Data;
        if (trade.OutTradeNo != outTradeNo || trade.Mchid != options.Value.MchId)
        {
            // Signed by WeChat, but about another trade or merchant: nothing to act upon.
            return new(TradeLookupState.Error, null, $"answer names {trade.Mchid}/{trade.OutTradeNo}", "微信支付返回了另一笔交易");
        }

        return new(TradeLookupState.Found, new ProviderTrade(
            trade.State, trade.TradeState ?? "", WeChatPayTransaction.StatusText(trade.TradeState), trade.TransactionId, trade.TotalYuan,
            trade.PaidAt, trade.Payer?.Openid,
            [new("微信支付订单号", trade.TransactionId ?? ""), new("交易类型", trade.TradeType ?? ""), new("状态描述", trade.TradeStateDesc ?? "")]));
    }

    public async Task<string?> CloseAsync(string outTradeNo, CancellationToken ct = default)
    {
        if (!IsEnabled)
        {
            return "微信支付未配置，无法关闭交易";
        }

        try
        {
            var response = await Client.CloseAsync(outTradeNo, ct);
            // ORDER_NOT_EXIST: the buyer never scanned; nothing to close.
            return response.IsSuccess || response.IsNotFound ? null : $"微信支付拒绝关闭交易：{response.Error?.Message ?? response.Error?.Code}";
        }
        catch (WeChatPayException ex)
        {
            logger.LogWarning(ex, "WeChat Pay close failed for order {OutTradeNo}", outTradeNo);
            return "暂时无法连接微信支付，请稍后再试";
        }
    }

    public async Task<ProviderRefundAnswer> RefundAsync(ProviderRefundRequest request, CancellationToken ct = default)
    {
        if (!IsEnabled)
        {
            return new(ProviderRefundState.Failed, Message: "微信支付未配置，无法退款", Error: "WeChatPay:MchId is not set");
        }

        WeChatPayResponse<WeChatPayRefund> response;
        try
        {
            response = await Client.RefundAsync(new WeChatPayRefundRequest(
                request.OutTradeNo, request.OutRequestNo, request.Amount, request.OrderTotal, request.Reason, Endpoint.NotifyUrl), ct);
        }
        catch (WeChatPayException ex)
        {
            logger.LogWarning(ex, "WeChat Pay refund {OutRefundNo} for order {OutTradeNo} has no answer", request.OutRequestNo, request.OutTradeNo);
            return new(ProviderRefundState.Unknown, Message: "微信支付没有应答");
        }

        if (response.IsSuccess && response.Data is { } refund)
        {
            return OfStatus(refund.EffectiveStatus);
        }

        var error = response.Error!;
        if (!response.IsSigned || error.IsResultUnknown)
        {
            return new(ProviderRefundState.Unknown, Message: $"微信支付返回 {error}");
        }

        logger.LogWarning("WeChat Pay refused refund {OutRefundNo} for order {OutTradeNo}: {Error}", request.OutRequestNo, request.OutTradeNo, error);
        return new(ProviderRefundState.Failed, Message: $"微信支付拒绝退款：{error.Message ?? error.Code}", Error: error.ToString());
    }

    public async Task<ProviderRefundAnswer> QueryRefundAsync(string outTradeNo, string outRequestNo, CancellationToken ct = default)
    {
        if (!IsEnabled)
        {
            return new(ProviderRefundState.Unknown, Message: "微信支付未配置，无法查询退款");
        }

        try
        {
            var response = await Client.QueryRefundAsync(outRequestNo, ct);
            return response.IsNotFound ? new(ProviderRefundState.NotFound)
                : response.IsSuccess && response.Data is { } refund && refund.OutTradeNo == outTradeNo ? OfStatus(refund.EffectiveStatus)
                : new(ProviderRefundState.Unknown, Message: "微信支付退款查询暂无结果");
        }
        catch (WeChatPayException ex)
        {
            logger.LogWarning(ex, "WeChat Pay refund query {OutRefundNo} failed", outRequestNo);
            return new(ProviderRefundState.Unknown, Message: "微信支付退款查询暂无结果");
        }
    }

    /// <summary>SUCCESS, CLOSED (no money moved), PROCESSING (wait for the notify or query later), ABNORMAL (a person must act in the merchant platform).</summary>
    private static ProviderRefundAnswer OfStatus(string? status) => status switch
    {
        "SUCCESS" => new(ProviderRefundState.Succeeded),
        "CLOSED" => new(ProviderRefundState.Failed, Message: "微信支付退款已关闭", Error: "CLOSED"),
        "PROCESSING" => new(ProviderRefundState.Unknown, Message: "微信支付退款处理中"),
        "ABNORMAL" => new(ProviderRefundState.Unknown, Message: "微信支付退款异常（如买家银行卡已注销），请在商户平台处理"),
        _ => new(ProviderRefundState.Unknown, Message: $"微信支付退款状态 {status}"),
    };
}
