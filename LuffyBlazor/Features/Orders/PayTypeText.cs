using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>The provider's name as learners and admins read it.</summary>
public static class PayTypeText
{
    public static string ToChinese(this PayType payType) => payType switch
    {
        PayType.Alipay => "支付宝",
        PayType.WeChat => "微信支付",
        _ => payType.ToString(),
    };
}

/// <summary>The history row of a switch, written once and recognised later.</summary>
public static class PayTypeChange
{
    /// <summary>"支付方式由支付宝改为微信支付".</summary>
    public static string Reason(PayType from, PayType to) => $"支付方式由{from.ToChinese()}改为{to.ToChinese()}";

    /// <summary>The order left <paramref name="payType"/> before: that provider's trade was closed, and a closed trade number cannot be paid again there.</summary>
    public static bool Left(IEnumerable<string?> reasons, PayType payType) =>
        reasons.Any(r => r is not null && r.StartsWith($"支付方式由{payType.ToChinese()}改为", StringComparison.Ordinal));

    /// <summary>The order was on <paramref name="payType"/> at some time: switched away from it or to it.</summary>
    public static bool WasOn(IEnumerable<string?> reasons, PayType payType) =>
        Left(reasons, payType) || reasons.Any(r => r is not null && r.StartsWith("支付方式由", StringComparison.Ordinal)
            && r.EndsWith($"改为{payType.ToChinese()}", StringComparison.Ordinal));

    /// <summary>The reasons of the order's switches (its unpaid → unpaid history rows), for <see cref="Left"/>.</summary>
    public static Task<List<string?>> ReasonsAsync(LuffyDbContext db, int orderId, CancellationToken ct) =>
        db.OrderStatusChanges.AsNoTracking()
            .Where(c => c.OrderId == orderId && c.From == OrderStatus.Unpaid && c.To == OrderStatus.Unpaid).Select(c => c.Reason).ToListAsync(ct);
}
