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
