// Embedded migrations, message catalogs, templates and assets are read at compile time;
// new files in these folders must trigger a rebuild.
fn main() {
    for dir in ["migrations", "assets", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
