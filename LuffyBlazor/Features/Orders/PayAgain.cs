using LuffyBlazor.Features.Orders.Payments;

namespace LuffyBlazor.Features.Orders;

/// <summary>What /orders tells the learner after 去支付 when the browser is not on its way to pay.</summary>
public sealed record PayAgainAnswer(string Message, bool IsGood);

/// <summary>
/// 去支付 for an unpaid order in /orders, with the provider the learner chose there: the order's own by default; the
/// other one after <see cref="PayTypeSwitch"/> closed the previous trade and changed the order's pay type. Then on to
/// pay as any order (<see cref="BrowserCheckout.GoToCashierAsync"/>).
/// </summary>
public sealed class PayAgain(PayTypeSwitch switcher, BrowserCheckout checkout)
{
    /// <summary>Null when the browser is on its way to pay; otherwise what to tell the learner.</summary>
    /// <param name="postedPayType">The form's pay_type; absent (no choice offered) keeps the order's own.</param>
    public async Task<PayAgainAnswer?> GoAsync(string userId, OrderView order, string? postedPayType, Buyer buyer, CancellationToken ct = default)
    {
        var chosen = string.IsNullOrEmpty(postedPayType) ? order.PayType : BrowserCheckout.ChosenPayType(postedPayType);
        if (chosen is not { } payType)
        {
            return new(BrowserCheckout.UnknownPayType, false);
        }

        if (payType != order.PayType)
        {
            var switched = await switcher.SwitchAsync(userId, order.OutTradeNo, payType, ct);
            if (switched.Result != SwitchResult.Ready)
            {
                return new(switched.Message, switched.Result == SwitchResult.WasPaid);
            }

            order = order with { PayType = payType };
        }

        return await checkout.GoToCashierAsync(order, buyer, ct) is { } refusal
            ? new(refusal == BrowserCheckout.NoLongerPayable
                ? $"订单 {order.OutTradeNo} 已无法支付（已超过支付期限或状态已变化），请重新下单"
                : $"订单 {order.OutTradeNo}：{refusal}", false)
            : null;
    }
}
