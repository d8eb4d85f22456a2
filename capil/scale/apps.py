from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """Realistic volume for benchmarks: the `scale_data` command. No models, no URLs."""

    name = "capil.scale"
    label = "scale"
    verbose_name = "Scale data"
