import factory

from capil.accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"warga{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Warga {n}")
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    role = Role.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "kata-sandi-panjang")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = Role.OPERATOR
    phone = None
