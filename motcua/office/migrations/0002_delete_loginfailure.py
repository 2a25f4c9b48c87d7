# The hand-written lockout is replaced by django-axes (one policy for every sign-in entrance).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('office', '0001_login_failures'),
    ]

    operations = [
        migrations.DeleteModel(
            name='LoginFailure',
        ),
    ]
