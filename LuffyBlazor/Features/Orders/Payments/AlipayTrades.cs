using LuffyBlazor.Features.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders.Payments;

/// <summary>Orders' questions to Alipay (<c>alipay.trade.query</c>, <c>.close</c>, <c>.refund</c>, <c>.fastpay.refund.query</c>) in the shop's terms.</summary>
public sealed class AlipayTrades(IAlipayClient alipay, IOptions<AlipayOptions> options, ILogger<AlipayTrades> logger) : IPaymentTrades
{
    public PayType PayType => PayType.Alipay;
    public string ChineseName => "支付宝";
    public TimeSpan CallTimeout => options.Value.CallTimeout;
    public bool IsEnabled => true;

    public async Task<TradeLookup> QueryAsync(string outTradeNo, CancellationToken ct = default)
    {
        AlipayResponse<AlipayTradeQuery> response;
        try
        {
            response = await alipay.QueryTradeAsync(outTradeNo, ct);
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.query failed for order {OutTradeNo}", outTradeNo);
            return new(TradeLookupState.Unreachable, null, ex.Message);
        }

        if (!response.IsSuccess)
        {
            return response.IsTradeNotExist
                ? new(TradeLookupState.NotExist, null)
                : new(TradeLookupState.Error, null, response.Error?.ToString(), response.Error?.SubMsg ?? response.Error?.Msg);
        }

        var trade = response.Data!;
        return new(TradeLookupState.Found, new ProviderTrade(
            StateOf(trade.TradeStatus), trade.TradeStatus, AlipayTradeSnapshot.StatusText(trade.TradeStatus), trade.TradeNo, trade.TotalAmount,
            trade.SendPayDate, trade.BuyerId,
            [new("支付宝交易号", trade.TradeNo ?? ""), new("买家账号", trade.BuyerLogonId ?? "")]));
    }

    public static TradeState StateOf(string? tradeStatus) => tradeStatus switch
    {
        "TRADE_SUCCESS" or "TRADE_FINISHED" => TradeState.Paid,
        "WAIT_BUYER_PAY" => TradeState.WaitingForBuyer,
        "TRADE_CLOSED" => TradeState.Closed,
        _ => TradeState.Unknown,
    };

    public async Task<string?> CloseAsync(string outTradeNo, CancellationToken ct = default)
    {
        try
        {
            var response = await alipay.CloseTradeAsync(outTradeNo, ct);
            return response.IsSuccess || response.IsTradeNotExist ? null : $"支付宝拒绝关闭交易：{response.Error?.SubMsg ?? response.Error?.Msg}";
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.close failed for order {OutTradeNo}", outTradeNo);
            return "暂时无法连接支付宝，请稍后再试";
        }
    }

    public async Task<ProviderRefundAnswer> RefundAsync(ProviderRefundRequest request, CancellationToken ct = default)
    {
        AlipayResponse<AlipayTradeRefund> response;
        try
        {
            response = await alipay.RefundAsync(new AlipayRefundRequest(request.OutTradeNo, request.Amount, request.OutRequestNo, request.Reason), ct);
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.refund {OutRequestNo} for order {OutTradeNo} has no answer", request.OutRequestNo, request.OutTradeNo);
            return new(ProviderRefundState.Unknown, Message: "支付宝没有应答");
        }

        if (response.IsSuccess)
        {
            // fund_change N: no money moved by this call (e.g. the request was already refunded); Alipay's advice
            // is to confirm with the refund query before believing it.
            if (!response.Data!.FundChange
                && (await QueryRefundAsync(request.OutTradeNo, request.OutRequestNo, ct)).State != ProviderRefundState.Succeeded)
            {
                return new(ProviderRefundState.Unknown, Message: "支付宝未确认退款到账");
            }

            return new(ProviderRefundState.Succeeded, response.Data.RefundFee);
        }

        var error = response.Error!;
        if (!response.IsSigned || error.IsResultUnknown)
        {
            // An unsigned answer, or Alipay's "system busy", proves nothing: the refund may have happened.
            return new(ProviderRefundState.Unknown, Message: $"支付宝返回 {error}");
        }

        logger.LogWarning("Alipay refused refund {OutRequestNo} for order {OutTradeNo}: {Error}", request.OutRequestNo, request.OutTradeNo, error);
        return new(ProviderRefundState.Failed, Message: $"支付宝拒绝退款：{error.SubMsg ?? error.Msg}", Error: error.ToString());
    }

    public async Task<ProviderRefundAnswer> QueryRefundAsync(string outTradeNo, string outRequestNo, CancellationToken ct = default)
    {
        try
        {
            var response = await alipay.QueryRefundAsync(outTradeNo, outRequestNo, ct);
            return !response.IsSuccess ? new(ProviderRefundState.Unknown, Message: "支付宝退款查询暂无结果")
                : response.Data!.IsRefunded ? new(ProviderRefundState.Succeeded)
                : new(ProviderRefundState.NotFound);
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.fastpay.refund.query {OutRequestNo} failed", outRequestNo);
            return new(ProviderRefundState.Unknown, Message: "支付宝退款查询暂无结果");
        }
    }
}
