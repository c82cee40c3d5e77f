using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Orders.Payments;

public enum AlipayTradeState
{
    /// <summary>Alipay knows the trade: see its status.</summary>
    Found,
    /// <summary><c>ACQ.TRADE_NOT_EXIST</c>: the buyer never opened the cashier.</summary>
    NotExist,
    /// <summary>Alipay answered an error, or could not be asked.</summary>
    Error,
}

public sealed record AlipayTradeSnapshot(AlipayTradeState State, AlipayTradeQuery? Trade, string? Error)
{
    public static string StatusText(string? tradeStatus) => tradeStatus switch
    {
        "WAIT_BUYER_PAY" => "等待买家付款",
        "TRADE_SUCCESS" => "支付成功",
        "TRADE_FINISHED" => "交易完结",
        "TRADE_CLOSED" => "交易关闭（未付款或已全额退款）",
        _ => tradeStatus ?? "",
    };
}

/// <summary>What Alipay says about a trade right now (<c>alipay.trade.query</c>), read only: nothing is changed.</summary>
public sealed class AlipayTradeLookup(IAlipayClient alipay, ILogger<AlipayTradeLookup> logger)
{
    public async Task<AlipayTradeSnapshot> QueryAsync(string outTradeNo, CancellationToken ct = default)
    {
        try
        {
            var response = await alipay.QueryTradeAsync(outTradeNo, ct);
            if (response.IsSuccess)
            {
                return new(AlipayTradeState.Found, response.Data, null);
            }

            return response.IsTradeNotExist
                ? new(AlipayTradeState.NotExist, null, "支付宝尚无该笔交易：买家还没有打开收银台")
                : new(AlipayTradeState.Error, null, $"支付宝返回错误：{response.Error}");
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.query failed for order {OutTradeNo}", outTradeNo);
            return new(AlipayTradeState.Error, null, $"无法查询支付宝：{ex.Message}");
        }
    }
}
