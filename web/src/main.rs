//! The page's entry point: mounts [`App`](blastmap_web::components::app::App) on the body.

fn main() {
    yew::Renderer::<blastmap_web::components::app::App>::new().render();
}
