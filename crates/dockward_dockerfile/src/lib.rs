//! dockward_dockerfile (under construction)
