using Microsoft.AspNetCore.Identity;

namespace LuffyBlazor.Features.Account;

/// <summary>Identity's messages in the learners' language.</summary>
public sealed class ChineseIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), $"用户名 “{userName}” 已被注册");
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), $"邮箱 “{email}” 已被注册");
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), "用户名只能包含字母、数字和 - . _");
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), $"邮箱 “{email}” 格式不正确");
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), $"密码至少需要 {length} 位");
    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), "密码必须包含数字");
    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), "密码必须包含小写字母");
    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), "密码必须包含大写字母");
    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), "密码必须包含符号");
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), $"密码至少需要 {uniqueChars} 个不同的字符");
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), "密码不正确");
    public override IdentityError UserLockoutNotEnabled() => Error(nameof(UserLockoutNotEnabled), "该用户未启用锁定");
    public override IdentityError UserAlreadyInRole(string role) => Error(nameof(UserAlreadyInRole), $"用户已拥有角色 {role}");
    public override IdentityError UserNotInRole(string role) => Error(nameof(UserNotInRole), $"用户没有角色 {role}");
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), "数据已被其他操作修改，请重试");

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
