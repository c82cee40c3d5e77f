using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

public sealed record PlaceOrderResult(Order? Order, string? Error, bool Reused)
{
    public bool Succeeded => Order is not null;

    public static PlaceOrderResult Fail(string error) => new(null, error, false);
}

/// <summary>
/// Places orders. What can be checked without the database is checked here; <see cref="OrderWriter"/> then prices
/// the courses from the database, refuses unknown, off-sale or owned ones and a client total that differs, and writes
/// the order, its lines and its history row, all in one transaction. Pressing Buy twice for the same courses gives
/// back the live unpaid order.
/// </summary>
public sealed class OrderService(OrderWriter writer, IOptions<OrderOptions> options, IOptions<WeChatPayOptions> weChatPay)
{
    public async Task<PlaceOrderResult> PlaceOrderAsync(
        string userId, IReadOnlyCollection<int> courseIds, decimal? clientTotal = null, string? subject = null,
        PayType payType = PayType.Alipay, CancellationToken ct = default)
    {
        var ids = courseIds.Distinct().Order().ToList();
        if (ids.Count == 0)
        {
            return PlaceOrderResult.Fail("请至少选择一门课程");
        }

        if (ids.Count > options.Value.MaxCoursesPerOrder)
        {
            return PlaceOrderResult.Fail($"一个订单最多包含 {options.Value.MaxCoursesPerOrder} 门课程");
        }

        if (payType == PayType.WeChat && !weChatPay.Value.IsEnabled)
        {
            return PlaceOrderResult.Fail("微信支付暂未开通，请使用支付宝");
        }

        if (!Enum.IsDefined(payType))
        {
            return PlaceOrderResult.Fail("暂不支持该支付方式：pay_type 1 为支付宝，2 为微信支付");
        }

        if (!string.IsNullOrWhiteSpace(subject))
        {
            // Refused before anything is stored: an order whose subject Alipay cannot take could never be paid, and
            // as the learner's live unpaid order it would be handed back on every later Buy.
            if (!AlipayBizContent.TryCleanSubject(subject, out _))
            {
                return PlaceOrderResult.Fail("订单标题（subject）去掉支付宝不接受的字符（/ = &、控制字符、表情符号）后为空，请填写文字标题，或不传 subject 使用课程名");
            }

            subject = TextElements.Fit(subject.Trim(), Order.MaxSubjectLength);
        }

        return await writer.WriteAsync(new OrderRequest(userId, ids, clientTotal, subject, payType), ct);
    }
}
