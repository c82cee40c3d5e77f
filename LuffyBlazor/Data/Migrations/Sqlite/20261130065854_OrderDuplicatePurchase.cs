using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OrderDuplicatePurchase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "DuplicatePurchase",
                table: "Orders",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_Orders_DuplicatePurchase",
                table: "Orders",
                columns: new[] { "CreatedAt", "Status", "TotalAmount", "RefundedAmount" },
                filter: "\"DuplicatePurchase\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_DuplicatePurchase",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "DuplicatePurchase",
                table: "Orders");
        }
    }
}
