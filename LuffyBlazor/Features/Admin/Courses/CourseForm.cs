using System.ComponentModel.DataAnnotations;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Storage;

namespace LuffyBlazor.Features.Admin.Courses;

/// <summary>The course form: what an admin may set, with the messages the form shows next to each field.</summary>
public sealed class CourseForm : IValidatableObject
{
    public const decimal MaxPrice = 100_000_000m;
    public const int MaxSortOrder = 1_000_000;

    public int? Id { get; set; }

    [Required(ErrorMessage = "请填写课程名称")]
    [StringLength(128, ErrorMessage = "课程名称不能超过 128 个字")]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "请填写一句话简介")]
    [StringLength(256, ErrorMessage = "简介不能超过 256 个字")]
    public string Brief { get; set; } = "";

    [StringLength(8000, ErrorMessage = "课程介绍不能超过 8000 个字")]
    public string Description { get; set; } = "";

    public CourseLevel Level { get; set; }

    /// <summary>Yuan. Alipay takes 0.01 to 100,000,000.00.</summary>
    [Required(ErrorMessage = "请填写价格")]
    [Range(typeof(decimal), "0.01", "100000000", ErrorMessage = "价格须在 0.01 到 100000000 元之间", ParseLimitsInInvariantCulture = true)]
    public decimal? Price { get; set; }

    [Required(ErrorMessage = "请选择分类")]
    public int? CategoryId { get; set; }

    [Required(ErrorMessage = "请选择讲师")]
    public int? TeacherId { get; set; }

    /// <summary>The catalogue's order: smaller first, the same number by creation (id).</summary>
    [Range(0, MaxSortOrder, ErrorMessage = "排序须在 0 到 1000000 之间")]
    public int SortOrder { get; set; }

    /// <summary>Off until the admin says so: a new course starts off sale (<see cref="CourseAdmin.NewFormAsync"/>).</summary>
    public bool IsOnSale { get; set; }

    /// <summary>Storage key of the cover image.</summary>
    public string? Cover { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Price is { } price && !Money.HasFenPrecision(price))
        {
            yield return new ValidationResult("价格最多两位小数", [nameof(Price)]);
        }

        if (Cover is not null && !StorageKeys.IsValid(Cover))
        {
            yield return new ValidationResult("封面文件无效，请重新上传", [nameof(Cover)]);
        }
    }

    public static CourseForm From(Course course) => new()
    {
        Id = course.Id,
        Name = course.Name,
        Brief = course.Brief,
        Description = course.Description,
        Level = course.Level,
        Price = course.Price,
        CategoryId = course.CategoryId,
        TeacherId = course.TeacherId,
        SortOrder = course.SortOrder,
        IsOnSale = course.IsOnSale,
        Cover = course.Cover,
    };

    /// <summary>Every validation message, as the form would show them.</summary>
    public IReadOnlyList<string> Errors()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }
}

/// <summary>A lesson's editable fields.</summary>
public sealed class LessonForm
{
    [Required(ErrorMessage = "请填写课时标题")]
    [StringLength(128, ErrorMessage = "课时标题不能超过 128 个字")]
    public string Title { get; set; } = "";

    [Range(1, 24 * 60, ErrorMessage = "时长须在 1 到 1440 分钟之间")]
    public int Minutes { get; set; } = 10;

    public bool IsFreePreview { get; set; }
}

/// <summary>A chapter's editable fields.</summary>
public sealed class ChapterForm
{
    [Required(ErrorMessage = "请填写章节标题")]
    [StringLength(128, ErrorMessage = "章节标题不能超过 128 个字")]
    public string Title { get; set; } = "";

    [StringLength(1024, ErrorMessage = "章节简介不能超过 1024 个字")]
    public string Summary { get; set; } = "";
}
